// tsrun-spawn.node, the addon that starts tsrun-helper: what the started
// process gets (fds, environment, cwd, signals) and how its end is reported.
import t from 'tap';
import { closeSync, existsSync, mkdtempSync, readSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { TOP } from '../lib/tsrun';
import type { SpawnAddon } from '../../src/native/spawn-addon';

const addon: SpawnAddon = (() => {
  const m = { exports: {} as SpawnAddon };
  process.dlopen(m, join(TOP, 'dist/tsrun-spawn.node'));
  return m.exports;
})();

// Everything the child writes to its end of the socket, until it closes it.
function readAll(fd: number): string {
  const chunks: Buffer[] = [];
  const buf = Buffer.alloc(65536);
  for (let n; (n = readSync(fd, buf, 0, buf.length, null)) > 0;) chunks.push(Buffer.from(buf.subarray(0, n)));
  closeSync(fd);
  return Buffer.concat(chunks).toString();
}

t.test('the child gets fds 0 to keep-1, the socket as fd keep, no environment, the cwd, default signals', async (t) => {
  const cwd = mkdtempSync(join(tmpdir(), 'tsrun-spawn-'));
  t.teardown(() => rmSync(cwd, { recursive: true, force: true }));
  const script = 'exec >&3; ls /proc/self/fd; echo "env:$(env | wc -l)"; echo "cwd:$(pwd)"; grep -E "^Sig(Ign|Blk)" /proc/self/status; echo "arg0:$0"';
  const child = addon.spawn('/bin/sh', ['my-sh', '-c', script], cwd, 3);
  t.ok(child.pid > 0 && child.fd > 2);
  const out = readAll(child.fd);
  t.equal(addon.waitpid(child.pid, true), 0);
  const fds = out.split('\n').filter((l) => /^\d+$/.test(l)).map(Number);
  // The test runner may have closed some of stdio; ls opens one more fd
  // (the directory it lists), the lowest free one.
  const stdio = [0, 1, 2].filter((n) => existsSync(`/proc/self/fd/${n}`));
  t.same(fds.filter((n) => n <= 3), [...stdio, 3], 'stdio and the socket');
  t.same(fds.filter((n) => n > 3), fds.includes(4) ? [4] : [], `nothing else of this process's: ${fds}`);
  t.match(out, /^env:[01]$/m, 'an empty environment (sh may add PWD)');
  t.match(out, new RegExp(`^cwd:${cwd}$`, 'm'));
  // glibc's posix_spawn leaves only its two internal signals (32, 33)
  // ignored; tsrun-helper resets those (inside.test.ts checks the container).
  t.match(out, /^SigIgn:\s+0*180000000$/m, 'SIGPIPE not ignored, though Node ignores it');
  t.match(out, /^SigBlk:\s+0+$/m, 'no signal blocked');
  t.match(out, /^arg0:my-sh$/m, 'argv as given');
});

t.test('more fds kept: the socket moves up', async (t) => {
  const child = addon.spawn('/bin/sh', ['sh', '-c', 'echo ok >&5'], '/', 5);
  t.equal(readAll(child.fd), 'ok\n');
  t.equal(addon.waitpid(child.pid, true), 0);
});

t.test('waitpid: the exit code, or 128+N after signal N; null while it runs', async (t) => {
  const exit7 = addon.spawn('/bin/sh', ['sh', '-c', 'read x <&3; exit 7'], '/', 3);
  t.equal(addon.waitpid(exit7.pid, false), null, 'still running');
  closeSync(exit7.fd);
  t.equal(addon.waitpid(exit7.pid, true), 7);
  const killed = addon.spawn('/bin/sh', ['sh', '-c', 'kill -TERM $$'], '/', 3);
  closeSync(killed.fd);
  t.equal(addon.waitpid(killed.pid, true), 128 + 15);
});

t.test('failures are thrown with the reason', async (t) => {
  t.throws(() => addon.spawn('/no/such/program', ['x'], '/', 3), /posix_spawn: No such file or directory/);
  t.throws(() => addon.spawn('/bin/true', ['x'], '/no/such/dir', 3), /posix_spawn: No such file or directory/);
  t.throws(() => addon.spawn('/bin/true', ['x'], '/', 2), /bad arguments/);
  t.throws(() => addon.waitpid(1, true), /waitpid: No child processes/, 'not a child of this process');
});
