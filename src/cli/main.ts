import { UserError, isUserError } from '../util/errors';
import { parseArgs } from './args';
import { makeLogger } from './log';
import type { Command } from './command';
import { loadBundle } from './bundle-loader';
import { dirname, join } from 'node:path';

declare const TSRUN_VERSION: string;

const distDir = () => dirname(require.main?.filename ?? process.argv[1]);

// Each command is its own bundled file (dist/commands/NAME.js), loaded only
// when called: `tsrun state` does not pay for parsing what `create` needs.
function loadCommand(name: string): Command {
  return (loadBundle(join(distDir(), 'commands', `${name}.js`)) as { default: Command }).default;
}

// Help loads yargs, an ES module, with import(), which code loaded by
// loadBundle cannot do: dist/help.js is a plain module for require().
function loadHelp(): typeof import('./help') {
  return require(join(distDir(), 'help.js')) as typeof import('./help');
}

const str = (v: unknown) => (v === undefined ? undefined : String(v));

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
      const { showHelp } = loadHelp();
      await showHelp(a.command?.name);
      return a.command || a.globals.help ? 0 : 1;
    }
    if (a.globals['systemd-cgroup']) {
      throw new UserError('--systemd-cgroup: systemd cgroup management is not supported by tsrun yet');
    }
    log.debug(`${a.command.name} ${a.positionals.join(' ')}`);
    return await loadCommand(a.command.name)(a, log);
  } catch (e) {
    if (isUserError(e)) {
      log.error(e.message);
      return e.exitCode;
    }
    log.error(`internal error: ${(e as Error).stack ?? e}`);
    return 1;
  }
}

// Exit as soon as the command is done: a Node process that ends by running
// out of work then tears down its heap and joins its worker threads, about
// 3 ms here. Nothing is lost: every command has awaited its children and
// hooks, and Node writes stdout and stderr synchronously on Linux.
main(process.argv.slice(2)).then((code) => {
  process.exit(code);
});
