// runHelper against a stand-in for tsrun-helper that sends its messages in
// orders the real one can: the init's messages and the helper's pid report
// share one socket, so the init's ready may come first.
import t, { type Test } from 'tap';
import { spawnSync } from 'node:child_process';
import { chmodSync, copyFileSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildSync } from 'esbuild';
import { TOP } from '../lib/tsrun';

// A frame as protocol.h has it: u32 length (type + payload), u32 type, payload.
function frame(type: number, payload: Buffer = Buffer.alloc(0)): string {
  const b = Buffer.alloc(8);
  b.writeUInt32LE(payload.length + 4, 0);
  b.writeUInt32LE(type, 4);
  return [...Buffer.concat([b, payload])].map((x) => `\\${x.toString(8).padStart(3, '0')}`).join('');
}
const READY = 5;
const PID = 2;
const pidFrame = (pid: number) => { const p = Buffer.alloc(4); p.writeInt32LE(pid); return frame(PID, p); };

// runHelper in a process of its own, from a directory holding the addon and
// the stand-in (both are found next to the entry point, as in dist/).
function runWith(t: Test, script: string) {
  const dir = mkdtempSync(join(tmpdir(), 'tsrun-helper-process-'));
  t.teardown(() => rmSync(dir, { recursive: true, force: true }));
  copyFileSync(join(TOP, 'dist/tsrun-spawn.node'), join(dir, 'tsrun-spawn.node'));
  writeFileSync(join(dir, 'tsrun-helper'), `#!/bin/sh\n${script}\n`);
  chmodSync(join(dir, 'tsrun-helper'), 0o755);
  writeFileSync(join(dir, 'driver.ts'), `
    import { runHelper } from ${JSON.stringify(join(TOP, 'src/native/helper-process'))};
    runHelper({ ops: [], waitForInit: false }, '/', 0, { onPid() {}, onSync() {} })
      .then(async (r) => { console.log(JSON.stringify({ pid: r.pid, exited: await r.exited })); process.exit(0); },
        (e) => { console.log(JSON.stringify({ error: e.message })); process.exit(0); });
  `);
  buildSync({ entryPoints: [join(dir, 'driver.ts')], bundle: true, platform: 'node', format: 'cjs', outfile: join(dir, 'driver.js'), logLevel: 'error' });
  const r = spawnSync(process.execPath, [join(dir, 'driver.js')], { encoding: 'utf8', timeout: 10_000 });
  t.equal(r.status, 0, r.stderr);
  return JSON.parse(r.stdout);
}

t.test('ready before the pid report: the pid is waited for', async (t) => {
  t.same(runWith(t, `printf '${frame(READY)}' >&3; sleep 0.1; printf '${pidFrame(4242)}' >&3; exit 0`), { pid: 4242, exited: 0 });
});

t.test('the usual order', async (t) => {
  t.same(runWith(t, `printf '${pidFrame(4243)}${frame(READY)}' >&3; exit 3`), { pid: 4243, exited: 3 });
});

t.test('a socket closed before any report', async (t) => {
  t.same(runWith(t, 'exit 1'), { error: 'tsrun-helper exited before it started the container init' });
  t.same(runWith(t, `printf '${frame(READY)}' >&3; exit 1`), { error: 'tsrun-helper exited before it started the container init' });
});
