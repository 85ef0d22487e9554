import { pauseContainer } from '../../container/pause';
import { stateRoot, type Command } from '../command';

const pause: Command = (a) => {
  pauseContainer(stateRoot(a), a.positionals[0]);
  return 0;
};
export default pause;
