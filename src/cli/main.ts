import { UserError } from '../util/errors';
import { parseArgs, type ParsedArgs } from './args';
import { makeLogger, type Logger } from './log';

declare const TSRUN_VERSION: string;

// Each command reads its parsed arguments and returns the exit code.
type CommandFn = (a: ParsedArgs, log: Logger) => Promise<number> | number;

const str = (v: unknown) => (v === undefined ? undefined : String(v));

const commands: Record<string, CommandFn> = {
  async create(a, log) {
    const { createContainer } = await import('../container/create');
    await createContainer({ ...createArgs(a, log), foreground: false });
    return 0;
  },
  async start(a) {
    const { startContainer } = await import('../container/start');
    await startContainer(root(a), a.positionals[0]);
    return 0;
  },
  async state(a) {
    const { containerState } = await import('../container/state');
    process.stdout.write(JSON.stringify(containerState(root(a), a.positionals[0]), null, 2) + '\n');
    return 0;
  },
  async kill(a) {
    const { killContainer } = await import('../container/kill');
    killContainer(root(a), a.positionals[0], a.positionals[1] ?? 'SIGTERM', Boolean(a.options.all));
    return 0;
  },
  async delete(a) {
    const { deleteContainer } = await import('../container/delete');
    await deleteContainer(root(a), a.positionals[0], Boolean(a.options.force));
    return 0;
  },
  async run(a, log) {
    const { runContainer } = await import('../container/run');
    return runContainer(createArgs(a, log), Boolean(a.options.detach));
  },
  async plan(a) {
    const { printPlan } = await import('./plan');
    printPlan(str(a.options.bundle) ?? '.', a.positionals[0] ?? 'plan', root(a), Boolean(a.options['no-pivot']));
    return 0;
  },
};

function root(a: ParsedArgs): string {
  return String(a.globals.root);
}

function createArgs(a: ParsedArgs, log: Logger) {
  const { checkId } = require('../container/record') as typeof import('../container/record');
  return {
    root: root(a),
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

async function main(argv: string[]): Promise<number> {
  let log = makeLogger(undefined, 'text', false);
  try {
    const a = parseArgs(argv);
    log = makeLogger(str(a.globals.log), String(a.globals['log-format']), Boolean(a.globals.debug));
    if (a.globals['log-format'] !== 'text' && a.globals['log-format'] !== 'json') {
      throw new UserError(`--log-format: must be text or json, not ${JSON.stringify(a.globals['log-format'])}`);
    }
    if (a.globals.version) {
      process.stdout.write(`tsrun version ${TSRUN_VERSION}\nspec: 1.3.0\n`);
      return 0;
    }
    if (a.globals.help || !a.command) {
      const { showHelp } = await import('./help');
      await showHelp(a.command?.name);
      return a.command || a.globals.help ? 0 : 1;
    }
    if (a.globals['systemd-cgroup']) {
      throw new UserError('--systemd-cgroup: systemd cgroup management is not supported by tsrun yet');
    }
    log.debug(`${a.command.name} ${a.positionals.join(' ')}`);
    return await commands[a.command.name](a, log);
  } catch (e) {
    if (e instanceof UserError) {
      log.error(e.message);
      return e.exitCode;
    }
    log.error(`internal error: ${(e as Error).stack ?? e}`);
    return 1;
  }
}

main(process.argv.slice(2)).then((code) => {
  process.exitCode = code;
});
