// podman (through conmon) drives tsrun as it drives runc or crun:
// `podman --runtime dist/tsrun.js --cgroup-manager cgroupfs ...` with
// storage of the test's own and a busybox image imported from a local tar.
import t, { type Test } from 'tap';
import { readFileSync } from 'node:fs';
import { commandExists, describe, sleepSync, waitFor } from '../lib/engines/command';
import { busyboxTar, IMAGE } from '../lib/engines/image';
import { makePodman, TSRUN_DEFAULT_ROOT, type Podman } from '../lib/engines/podman';
import { makeScratch } from '../lib/engines/scratch';
import { tsrun } from '../lib/tsrun';

const missing = ['podman', 'conmon'].filter((c) => !commandExists(c));
if (missing.length) {
  t.plan(0, `needs ${missing.join(', ')} (npm run test:engines installs them)`);
} else {
  const s = makeScratch(t, 'podman');
  const p = makePodman(s);
  t.comment(p.podman(['--version']).stdout.trim());
  const imported = p.podman(['import', busyboxTar(s), IMAGE]);
  if (imported.status !== 0) throw new Error(`podman import: ${describe(imported)}`);
  podmanTests(p);
}

function podmanTests(p: Podman): void {
  const { podman } = p;
  const inspect = (id: string, format: string) => podman(['inspect', '--format', format, id]).stdout.trim();
  const STOPPABLE = ['sh', '-c', 'trap "exit 0" TERM; while :; do sleep 0.1; done'];
  const runDetached = (t: Test, opts: string[], cmd: string[] = STOPPABLE): string => {
    const r = podman(['run', '-d', ...p.runOptions, ...opts, IMAGE, ...cmd]);
    if (r.status !== 0) throw new Error(`podman run -d: ${describe(r)}`);
    const id = r.stdout.trim();
    t.teardown(() => { podman(['rm', '--force', '--time', '0', id]); });
    return id;
  };
  const tsrunState = (id: string) => JSON.parse(tsrun(['--root', TSRUN_DEFAULT_ROOT, 'state', id]).stdout || '{}');

  t.test('podman run --rm: the output and the exit code come back', async (t) => {
    const r = podman(['run', '--rm', ...p.runOptions, IMAGE, 'sh', '-c', 'echo hello from tsrun; exit 4']);
    t.equal(r.status, 4, describe(r));
    t.equal(r.stdout, 'hello from tsrun\n');
    t.equal(podman(['ps', '-aq']).stdout.trim(), '', '--rm left no container');
  });

  t.test('podman run -d, exec, pause, stop, rm', async (t) => {
    const id = runDetached(t, []);
    const pid = Number(inspect(id, '{{.State.Pid}}'));
    t.same([tsrunState(id).status, tsrunState(id).pid], ['running', pid], 'tsrun runs it, with the pid podman reports');

    const e = podman(['exec', id, 'sh', '-c', 'echo in exec; cat /proc/1/cmdline | tr "\\0" " "; exit 6']);
    t.equal(e.status, 6, describe(e));
    t.match(e.stdout, /^in exec\nsh -c trap/, 'exec joins the pid namespace of the container');
    const tty = podman(['exec', '-t', id, 'tty']);
    t.equal(tty.status, 0, describe(tty));
    t.match(tty.stdout, /^\/dev\/pts\/\d+\r\n$/, 'exec -t gets a terminal (through conmon\'s console socket)');

    t.equal(podman(['pause', id]).status, 0);
    t.equal(inspect(id, '{{.State.Status}}'), 'paused');
    t.equal(tsrunState(id).status, 'paused');
    t.equal(podman(['unpause', id]).status, 0);
    t.equal(inspect(id, '{{.State.Status}}'), 'running');

    const started = Date.now();
    const stop = podman(['stop', '--time', '20', id]);
    t.equal(stop.status, 0, describe(stop));
    t.ok(Date.now() - started < 15_000, 'SIGTERM reached the process: it stopped before the SIGKILL deadline');
    t.equal(inspect(id, '{{.State.ExitCode}}'), '0', 'the trap ran: exit code 0');
    t.equal(podman(['rm', id]).status, 0);
    t.not(tsrun(['--root', TSRUN_DEFAULT_ROOT, 'state', id]).status, 0, 'tsrun has no state left for it');
  });

  t.test('podman run -t: a terminal', async (t) => {
    const r = podman(['run', '--rm', '-t', ...p.runOptions, IMAGE, 'sh', '-c', 'tty; exit 5']);
    t.equal(r.status, 5, describe(r));
    t.equal(r.stdout, '/dev/pts/0\r\n');
  });

  // Both give tsrun tmpfs mounts with runc's tmpcopyup option.
  t.test('podman run --read-only and --tmpfs: tmpfs mounts that start with the image\'s files', async (t) => {
    const ro = podman(['run', '--rm', ...p.runOptions, '--read-only', IMAGE, 'sh', '-c',
      'touch /x 2>/dev/null || echo root is read-only; touch /tmp/x && grep " /tmp " /proc/mounts | cut -d" " -f3']);
    t.equal(ro.status, 0, describe(ro));
    t.equal(ro.stdout, 'root is read-only\ntmpfs\n');
    const tmpfs = podman(['run', '--rm', ...p.runOptions, '--tmpfs', '/etc', IMAGE, 'sh', '-c',
      'grep " /etc " /proc/mounts | cut -d" " -f3; head -1 /etc/passwd']);
    t.equal(tmpfs.status, 0, describe(tmpfs));
    t.equal(tmpfs.stdout, 'tmpfs\nroot:x:0:0:root:/root:/bin/sh\n', 'the tmpfs over /etc holds the image\'s /etc');
  });

  t.test('podman kill: podman wait reports the signal', async (t) => {
    const id = runDetached(t, [], ['sleep', '1000']);
    t.equal(podman(['kill', id]).status, 0);
    const w = podman(['wait', id]);
    t.equal(w.stdout.trim(), '137', `killed by SIGKILL: 128 + 9 (${describe(w)})`);
  });

  t.test('podman top and stats read the container tsrun made', async (t) => {
    const id = runDetached(t, [], ['sh', '-c', 'sleep 1000 & sleep 1000 & wait']);
    t.ok(waitFor(() => podman(['top', id, 'args']).stdout.split('\n').filter((l) => l.startsWith('sleep')).length === 2, 5_000),
      'podman top lists the two sleeps');
    sleepSync(100);
    const stats = podman(['stats', '--no-stream', '--format', '{{.PIDs}}', id]);
    t.equal(stats.status, 0, describe(stats));
    t.equal(stats.stdout.trim(), '3', 'sh and two sleeps in its cgroup');
    t.match(readFileSync(`/proc/${inspect(id, '{{.State.Pid}}')}/cgroup`, 'utf8'), p.cgroupParent, 'under the cgroup parent podman asked for');
  });
}
