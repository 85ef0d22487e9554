import { execInContainer } from '../../container/exec';
import { checkId } from '../../container/record';
import { stateRoot, str, type Command } from '../command';

const list = (v: unknown) => (Array.isArray(v) ? v.map(String) : []);

const exec: Command = (a) => execInContainer({
  root: stateRoot(a),
  id: checkId(a.positionals[0]),
  processFile: str(a.options.process),
  args: a.positionals.slice(1),
  tty: Boolean(a.options.tty),
  consoleSocket: str(a.options['console-socket']),
  detach: Boolean(a.options.detach),
  pidFile: str(a.options['pid-file']),
  cwd: str(a.options.cwd),
  env: list(a.options.env),
  user: str(a.options.user),
  additionalGids: list(a.options['additional-gids']),
  caps: list(a.options.cap),
  noNewPrivs: Boolean(a.options['no-new-privs']),
  preserveFds: Number(a.options['preserve-fds'] ?? 0),
  trace: Boolean(a.globals.trace),
});
export default exec;
