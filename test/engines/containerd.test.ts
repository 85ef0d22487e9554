// containerd drives tsrun through its runc shim (io.containerd.runc.v2),
// told to call tsrun instead of runc: `ctr run --runc-binary dist/tsrun.js`.
// The image is an OCI image layout written here and `ctr image import`ed.
import t, { type Test } from 'tap';
import { basename } from 'node:path';
import { commandExists, describe, runCommand, sleepSync, waitFor } from '../lib/engines/command';
import { startContainerd, type Containerd } from '../lib/engines/containerd';
import { busyboxTar, IMAGE, ociArchive } from '../lib/engines/image';
import { makeScratch, type Scratch } from '../lib/engines/scratch';
import { tsrun, TSRUN } from '../lib/tsrun';

const NAMESPACE = 'tsrun-test';
const missing = ['containerd', 'ctr', 'containerd-shim-runc-v2', 'unshare', 'script'].filter((c) => !commandExists(c));
if (missing.length) {
  t.plan(0, `needs ${missing.join(', ')} (npm run test:engines installs them)`);
} else {
  const s = makeScratch(t, 'ctr');
  const c = startContainerd(s);
  t.comment(c.ctr(['version']).stdout.split('\n').find((l) => l.includes('Version'))?.trim() ?? '');
  const image = `${IMAGE}:latest`;
  const imported = c.ctr(['image', 'import', ociArchive(s, busyboxTar(s), image)], { namespace: NAMESPACE });
  if (imported.status !== 0) throw new Error(`ctr image import: ${describe(imported)}`);
  containerdTests(s, c, image);
}

function containerdTests(s: Scratch, c: Containerd, image: string): void {
  const ctr = (args: string[], timeoutMs?: number) => c.ctr(args, { namespace: NAMESPACE, timeoutMs });
  // tsrun's --root is this plus the namespace.
  const runcRoot = s.path('ctr-tsrun');
  const tsrunRoot = `${runcRoot}/${NAMESPACE}`;
  const cgroupParent = `/${basename(s.dir)}`;
  s.addTsrunRoot(tsrunRoot);
  s.addCgroupTree(cgroupParent);
  s.onCleanup(() => {
    for (const id of ctr(['container', 'list', '--quiet']).stdout.split('\n').filter(Boolean)) {
      ctr(['task', 'kill', '--signal', 'SIGKILL', id]);
      ctr(['task', 'delete', '--force', id]);
      ctr(['container', 'delete', id]);
    }
  });
  const runFlags = (id: string) => ['--runc-binary', TSRUN, '--runc-root', runcRoot, '--cgroup', `${cgroupParent}/${id}`];
  const STOPPABLE = ['sh', '-c', 'trap "exit 0" TERM; while :; do sleep 0.1; done'];
  const runDetached = (t: Test, id: string, cmd: string[] = STOPPABLE): void => {
    const r = ctr(['run', '--detach', ...runFlags(id), image, id, ...cmd]);
    if (r.status !== 0) throw new Error(`ctr run -d: ${describe(r)}`);
    t.teardown(() => {
      ctr(['task', 'kill', '--signal', 'SIGKILL', id]);
      ctr(['task', 'delete', '--force', id]);
      ctr(['container', 'delete', id]);
    });
  };
  const tsrunState = (id: string) => JSON.parse(tsrun(['--root', tsrunRoot, 'state', id]).stdout || '{}');

  t.test('ctr run --rm: the output and the exit code come back', async (t) => {
    const r = ctr(['run', '--rm', ...runFlags('once'), image, 'once', 'sh', '-c', 'echo hello from tsrun; exit 9']);
    t.equal(r.status, 9, describe(r));
    t.equal(r.stdout, 'hello from tsrun\n');
    t.equal(ctr(['container', 'list', '--quiet']).stdout.trim(), '', '--rm left no container');
  });

  t.test('ctr run -d, task exec, ps, pause, kill, delete', async (t) => {
    const id = 'detached';
    runDetached(t, id);
    const pid = Number(/\s(\d+)\s+RUNNING/.exec(ctr(['task', 'list']).stdout)?.[1]);
    t.same([tsrunState(id).status, tsrunState(id).pid], ['running', pid], 'tsrun runs it, with the pid containerd reports');

    const e = ctr(['task', 'exec', '--exec-id', 'e1', id, 'sh', '-c', 'echo in exec; cat /proc/1/cmdline | tr "\\0" " "; exit 3']);
    t.equal(e.status, 3, describe(e));
    t.match(e.stdout, /^in exec\nsh -c trap/, 'exec joins the pid namespace of the container');

    const ps = ctr(['task', 'ps', id]);
    t.equal(ps.status, 0, describe(ps));
    t.match(ps.stdout, new RegExp(`^${pid}\\s`, 'm'), 'task ps (tsrun ps --format json) lists the init');

    t.equal(ctr(['task', 'pause', id]).status, 0);
    t.match(ctr(['task', 'list']).stdout, /PAUSED/);
    t.equal(tsrunState(id).status, 'paused');
    t.equal(ctr(['task', 'resume', id]).status, 0);
    t.match(ctr(['task', 'list']).stdout, /RUNNING/);

    t.equal(ctr(['task', 'kill', id]).status, 0, 'SIGTERM');
    t.ok(waitFor(() => /STOPPED/.test(ctr(['task', 'list']).stdout), 10_000), 'the trap ended it');
    const del = ctr(['task', 'delete', id]);
    t.equal(del.status, 0, `exit code 0 from the trap: ${describe(del)}`);
    t.not(tsrun(['--root', tsrunRoot, 'state', id]).status, 0, 'tsrun has no state left for it');
  });

  t.test('ctr task kill -s SIGKILL: the exit status is 137', async (t) => {
    const id = 'killed';
    runDetached(t, id, ['sleep', '1000']);
    t.equal(ctr(['task', 'kill', '--signal', 'SIGKILL', id]).status, 0);
    t.ok(waitFor(() => /STOPPED/.test(ctr(['task', 'list']).stdout), 10_000));
    const del = ctr(['task', 'delete', id]);
    t.equal(del.status, 0, describe(del));
    t.match(del.stderr, 'non-zero exit code 137', 'ctr reports 128 + 9');
  });

  t.test('ctr run -t: a terminal (ctr needs one itself: script(1) gives it)', async (t) => {
    const cmd = ['ctr', '--address', c.address, '--namespace', NAMESPACE, 'run', '--rm', '-t', ...runFlags('tty'), image, 'tty', 'sh', '-c', 'tty; exit 5'];
    const r = runCommand(['script', '--quiet', '--return', '--command', cmd.map((a) => `'${a}'`).join(' '), '/dev/null'], { outDir: s.dir });
    t.equal(r.status, 5, describe(r));
    // The container's pty gives \r\n, and script's own pty adds another \r.
    t.match(r.stdout, /\/dev\/pts\/0\r+\n/, JSON.stringify(r.stdout));
  });

  t.test('ctr task metrics reads the cgroup tsrun placed the task in', async (t) => {
    const id = 'metrics';
    runDetached(t, id, ['sh', '-c', 'sleep 1000 & sleep 1000 & wait']);
    sleepSync(200);
    const m = ctr(['task', 'metrics', '--format', 'json', id]);
    t.equal(m.status, 0, describe(m));
    t.equal(JSON.parse(m.stdout || '{}').pids?.current, 3, 'sh and two sleeps');
  });
}
