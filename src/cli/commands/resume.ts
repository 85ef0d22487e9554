import { resumeContainer } from '../../container/pause';
import { stateRoot, type Command } from '../command';

const resume: Command = (a) => {
  resumeContainer(stateRoot(a), a.positionals[0]);
  return 0;
};
export default resume;
