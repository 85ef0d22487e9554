// Tests for src/cli/args.ts parseArgs: runc's command line, globals first.

import t from 'tap';
import { parseArgs } from '../../src/cli/args';
import { UserError } from '../../src/util/errors';

// What parseArgs throws for `args`: whether it is a UserError, and its message.
function refusal(args: string[]): [boolean, string | undefined] {
  try {
    parseArgs(args);
  } catch (e) {
    return [e instanceof UserError, (e as Error).message];
  }
  return [false, undefined];
}

const GLOBAL_DEFAULTS = { root: '/run/tsrun', 'log-format': 'text' };
const CREATE_DEFAULTS = { bundle: '.', 'preserve-fds': 0 };

t.test('no arguments: defaults only, no command', async (t) => {
  t.same(parseArgs([]), { globals: GLOBAL_DEFAULTS, options: {}, positionals: [] });
});

t.test('global options before the command', async (t) => {
  const p = parseArgs(['--root', '/tmp/r', '--log', '/tmp/log.json', '--log-format', 'json', '--debug', 'state', 'c1']);
  t.same(p.globals, { root: '/tmp/r', log: '/tmp/log.json', 'log-format': 'json', debug: true });
  t.equal(p.command?.name, 'state');
  t.same(p.positionals, ['c1']);
  t.same(p.options, {});

  t.equal(parseArgs(['--root=/x', 'start', 'c1']).globals.root, '/x', '--root=X');
  t.equal(parseArgs(['--debug=false', 'start', 'c1']).globals.debug, false, '--debug=false');
  t.equal(parseArgs(['--systemd-cgroup', 'start', 'c1']).globals['systemd-cgroup'], true);
});

t.test('-v and --version need no command', async (t) => {
  t.same(parseArgs(['-v']), { globals: { ...GLOBAL_DEFAULTS, version: true }, options: {}, positionals: [] });
  t.same(parseArgs(['--version']).globals.version, true);
  t.equal(parseArgs(['--version']).command, undefined);
});

t.test('command options before or after the id', async (t) => {
  const before = parseArgs(['create', '-b', '/b', '--pid-file', '/p', 'c1']);
  t.equal(before.command?.name, 'create');
  t.same(before.options, { ...CREATE_DEFAULTS, bundle: '/b', 'pid-file': '/p' });
  t.same(before.positionals, ['c1']);

  const after = parseArgs(['create', 'c1', '--bundle', '/b']);
  t.same(after.options, { ...CREATE_DEFAULTS, bundle: '/b' });
  t.same(after.positionals, ['c1']);

  t.same(parseArgs(['create', '--bundle=/b', 'c1']).options.bundle, '/b', '--bundle=DIR');
  t.same(parseArgs(['create', 'c1']).options, CREATE_DEFAULTS, 'defaults');
  t.same(parseArgs(['create', '--console-socket', '/s.sock', '--no-pivot', 'c1']).options,
    { ...CREATE_DEFAULTS, 'console-socket': '/s.sock', 'no-pivot': true });
});

t.test('--preserve-fds is a number', async (t) => {
  t.equal(parseArgs(['create', '--preserve-fds', '2', 'c1']).options['preserve-fds'], 2);
  t.equal(parseArgs(['run', '--preserve-fds=3', 'c1']).options['preserve-fds'], 3);
  t.same(refusal(['create', '--preserve-fds', 'two', 'c1']), [true, 'create: --preserve-fds: expected a number, got "two"']);
  t.same(refusal(['create', '--preserve-fds=-1', 'c1']), [true, 'create: --preserve-fds: expected a number, got "-1"']);
  t.same(refusal(['create', 'c1', '--preserve-fds']), [true, 'create: --preserve-fds needs a value']);
});

t.test('booleans, long and short', async (t) => {
  t.same(parseArgs(['delete', '--force', 'c1']).options, { force: true });
  t.same(parseArgs(['delete', '-f', 'c1']).options, { force: true });
  t.same(parseArgs(['delete', 'c1']).options, {});
  t.same(parseArgs(['run', '--detach', 'c1']).options, { ...CREATE_DEFAULTS, detach: true });
  t.same(parseArgs(['run', 'c1', '-d']).options, { ...CREATE_DEFAULTS, detach: true });
  t.same(parseArgs(['kill', '--all', 'c1']).options, { all: true });
  t.same(parseArgs(['kill', '-a', 'c1', 'KILL']).options, { all: true });
});

t.test('kill takes the signal as a second positional', async (t) => {
  t.same(parseArgs(['kill', 'c1', 'SIGKILL']).positionals, ['c1', 'SIGKILL']);
  t.same(parseArgs(['kill', 'c1']).positionals, ['c1'], 'the signal is optional');
  t.same(parseArgs(['kill', 'c1', '9']).positionals, ['c1', '9']);
  t.same(parseArgs(['kill', 'c1', '-9']).positionals, ['c1', '-9'], '-9 is a value, not an option');
});

t.test('-- ends the options', async (t) => {
  const p = parseArgs(['kill', '--', '--weird-id', 'TERM']);
  t.same(p.positionals, ['--weird-id', 'TERM']);
  t.same(p.options, {});
  t.same(parseArgs(['delete', '--', '-f']).positionals, ['-f']);
  t.same(parseArgs(['delete', '--', '-f']).options, {});
});

t.test('--help after the command asks for its help, with no id needed', async (t) => {
  const p = parseArgs(['create', '--help']);
  t.equal(p.globals.help, true);
  t.equal(p.command?.name, 'create');
  t.same(p.positionals, []);
  t.equal(parseArgs(['-h']).globals.help, true);
});

t.test('plan takes an optional id and only its own options', async (t) => {
  t.same(parseArgs(['plan']).positionals, []);
  t.same(parseArgs(['plan', '-b', '/b', '--no-pivot']).options, { bundle: '/b', 'no-pivot': true });
  t.same(refusal(['plan', '--pid-file', '/p']), [true, 'plan: unknown option --pid-file']);
});

t.test('mistakes are UserErrors that name the thing', async (t) => {
  t.same(refusal(['frobnicate', 'c1']), [true, 'unknown command "frobnicate"; see tsrun --help']);
  t.same(refusal(['--bogus', 'state', 'c1']), [true, 'unknown global option --bogus']);
  t.same(refusal(['create', '--bogus', 'c1']), [true, 'create: unknown option --bogus']);
  t.same(refusal(['create', 'c1', '-x']), [true, 'create: unknown option -x']);
  t.same(refusal(['start', 'c1', '--force']), [true, 'start: unknown option --force']);
  t.same(refusal(['state', '--root', '/r', 'c1']), [true, 'state: unknown option --root']);
  t.same(refusal(['start']), [true, 'start: missing container-id']);
  t.same(refusal(['kill']), [true, 'kill: missing container-id']);
  t.same(refusal(['start', 'c1', 'c2']), [true, 'start: unexpected argument "c2"']);
  t.same(refusal(['kill', 'c1', 'TERM', 'extra']), [true, 'kill: unexpected argument "extra"']);
  t.same(refusal(['--root']), [true, '--root needs a value']);
  t.same(refusal(['create', '-b']), [true, 'create: --bundle needs a value']);
});

t.test('exec: options before the id, everything after it is the command', async (t) => {
  const a = parseArgs(['exec', '-e', 'A=1', '--env', 'B=2', '--cap', 'CAP_KILL', '-u', '1000:1000', 'c1', 'sh', '-c', 'echo $A', '--env', 'x']);
  t.same(a.positionals, ['c1', 'sh', '-c', 'echo $A', '--env', 'x'], '-c and --env after the id belong to the command');
  t.same(a.options.env, ['A=1', 'B=2'], 'repeatable options collect into a list');
  t.same(a.options.cap, ['CAP_KILL']);
  t.equal(a.options.user, '1000:1000');
  const p = parseArgs(['exec', '--process', '/p.json', '--detach', '--pid-file', '/pid', 'c1']);
  t.same(p.positionals, ['c1']);
  t.equal(p.options.process, '/p.json');
  t.equal(p.options.detach, true);
  t.same(refusal(['exec']), [true, 'exec: missing container-id']);
});
