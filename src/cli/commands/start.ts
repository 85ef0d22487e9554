import { startContainer } from '../../container/start';
import { stateRoot, type Command } from '../command';

const start: Command = async (a) => {
  await startContainer(stateRoot(a), a.positionals[0]);
  return 0;
};
export default start;
