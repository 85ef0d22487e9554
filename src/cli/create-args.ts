import { checkId } from '../container/record';
import type { ParsedArgs } from './args';
import { stateRoot, str } from './command';
import type { Logger } from './log';

// The options create and run share.
export function createArgs(a: ParsedArgs, log: Logger) {
  return {
    root: stateRoot(a),
    id: checkId(a.positionals[0]),
    bundle: str(a.options.bundle) ?? '.',
    pidFile: str(a.options['pid-file']),
    consoleSocket: str(a.options['console-socket']),
    noPivot: Boolean(a.options['no-pivot']),
    noNewKeyring: Boolean(a.options['no-new-keyring']),
    preserveFds: Number(a.options['preserve-fds'] ?? 0),
    trace: Boolean(a.globals.trace),
    warn: (msg: string) => log.warn(msg),
  };
}
