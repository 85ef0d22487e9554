import { containerState } from '../../container/state';
import { stateRoot, type Command } from '../command';
import { writeStdout } from '../stdout';

const state: Command = (a) => {
  writeStdout(JSON.stringify(containerState(stateRoot(a), a.positionals[0]), null, 2) + '\n');
  return 0;
};
export default state;
