import { killContainer } from '../../container/kill';
import { stateRoot, type Command } from '../command';

const kill: Command = (a) => {
  killContainer(stateRoot(a), a.positionals[0], a.positionals[1] ?? 'SIGTERM', Boolean(a.options.all));
  return 0;
};
export default kill;
