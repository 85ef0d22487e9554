// Terminals: a pty master sent to --console-socket, or relayed by tsrun itself.
import t, { type Test } from 'tap';
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { baseSpec, makeBundle, spawnTsrun, TOP, uniqueId } from '../lib/tsrun';

const RECEIVER = join(TOP, 'test/tty/console-receiver.py');

// Starts the receiver and resolves once it listens; `output` resolves with all it printed.
function receiver(t: Test, path: string, input = ''): Promise<{ child: ChildProcess; output: Promise<string> }> {
  const child = spawn('python3', [RECEIVER, path, input], { stdio: ['ignore', 'pipe', 'inherit'] });
  t.teardown(() => { if (child.exitCode === null) child.kill('SIGKILL'); });
  let out = '';
  const output = new Promise<string>((r) => child.on('exit', () => r(out)));
  return new Promise((resolve) => {
    child.stdout!.on('data', (d) => {
      out += d;
      if (out.startsWith('ready\n')) resolve({ child, output });
    });
  });
}

t.test('create --console-socket: the pty master goes to the socket, the slave is the process\'s terminal', async (t) => {
  const spec = baseSpec(['sh', '-c', 'tty; stty size; read line; echo "got $line"']);
  spec.process!.terminal = true;
  spec.process!.consoleSize = { height: 30, width: 100 };
  const b = makeBundle(t, spec);
  const sock = join(b.dir, 'console.sock');
  const { output } = await receiver(t, sock, 'hello\n');
  const id = uniqueId('tty');
  const c = b.run(['create', '--console-socket', sock, '-b', b.dir, id]);
  t.equal(c.status, 0, c.stderr);
  t.equal(b.run(['start', id]).status, 0);
  const out = (await output).replace(/\r/g, '');
  t.match(out, /^ready\nname \/dev\/pts\/\d+\n/);
  t.match(out, /\/dev\/pts\/0\n30 100\n/, 'tty names the pts; the size is consoleSize');
  t.match(out, /got hello\n/, 'input typed into the master reaches the process');
});

t.test('exec --tty --console-socket', async (t) => {
  const b = makeBundle(t, baseSpec(['sleep', '1000']));
  const id = uniqueId('exec-tty');
  t.equal(b.run(['run', '-d', '-b', b.dir, id]).status, 0);
  const sock = join(b.dir, 'exec.sock');
  const { output } = await receiver(t, sock);
  const r = b.run(['exec', '--tty', '--console-socket', sock, id, 'sh', '-c', 'tty; test -t 0 && echo stdin-is-a-tty']);
  t.equal(r.status, 0, r.stderr);
  const out = (await output).replace(/\r/g, '');
  t.match(out, /\/dev\/pts\/\d+\nstdin-is-a-tty\n/);
});

t.test('run in the foreground relays the terminal itself', async (t) => {
  const spec = baseSpec(['sh', '-c', 'tty; exit 4']);
  spec.process!.terminal = true;
  const b = makeBundle(t, spec);
  const child = spawnTsrun(b, ['run', '-b', b.dir, uniqueId('relay')]);
  let out = '';
  child.stdout!.on('data', (d) => (out += d));
  const code = await new Promise<number | null>((r) => child.on('exit', (c) => r(c)));
  t.equal(code, 4, 'the exit code comes through');
  t.match(out.replace(/\r/g, ''), /^\/dev\/pts\/0\n/);
});

t.test('a terminal without a console socket, detached, is refused and leaves nothing', async (t) => {
  const spec = baseSpec(['sh']);
  spec.process!.terminal = true;
  const b = makeBundle(t, spec);
  const id = uniqueId('tty-bad');
  const r = b.run(['create', '-b', b.dir, id]);
  t.not(r.status, 0);
  t.match(r.stderr, /process\.terminal: a terminal needs --console-socket/);
  t.notOk(existsSync(join(b.root, id)));
  const missing = b.run(['create', '--console-socket', join(b.dir, 'nobody-listens'), '-b', b.dir, id]);
  t.not(missing.status, 0);
  t.match(missing.stderr, /--console-socket: connect to the console socket .*: no such file or directory/);
  t.notOk(existsSync(join(b.root, id)));
});
