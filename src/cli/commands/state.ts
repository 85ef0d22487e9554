import { containerState } from '../../container/state';
import { stateRoot, type Command } from '../command';

const state: Command = (a) => {
  process.stdout.write(JSON.stringify(containerState(stateRoot(a), a.positionals[0]), null, 2) + '\n');
  return 0;
};
export default state;
