// The six hook kinds: when they run, what state they get, how they fail.
import t, { type Test } from 'tap';
import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { baseSpec, cgroupDirsOf, makeBundle, uniqueId, type Bundle } from '../lib/tsrun';
import type { Hook, Hooks } from '../../src/spec/types';

// A hook script: appends "KIND STATUS PID COMM-OF-PID" to LOG. It reads the
// state JSON from stdin. In the container namespace it runs with busybox.
const SCRIPT = `#!/bin/sh
state=$(cat)
status=$(echo "$state" | sed 's/.*"status":"\\([a-z]*\\)".*/\\1/')
pid=$(echo "$state" | sed 's/.*"pid":\\([0-9]*\\).*/\\1/')
comm=$(cat /proc/$pid/comm 2>/dev/null || echo none)
echo "$1 $status $pid $comm" >> "$2"
exit "\${3:-0}"
`;

interface Setup { b: Bundle; log: string; hostScript: string }

// The bundle has the script on the host and in the rootfs, and a host log
// directory bound into the container at /hooklog.
function setup(t: Test, args: string[], hooks: (s: Setup) => Hooks): Setup {
  const spec = baseSpec(args);
  const b = makeBundle(t, spec);
  const logDir = join(b.dir, 'hooklog');
  mkdirSync(logDir);
  const hostScript = join(b.dir, 'hook.sh');
  writeFileSync(hostScript, SCRIPT);
  writeFileSync(join(b.rootfs, 'hook.sh'), SCRIPT);
  chmodSync(hostScript, 0o755);
  chmodSync(join(b.rootfs, 'hook.sh'), 0o755);
  const s = { b, log: join(logDir, 'log'), hostScript };
  spec.mounts!.push({ destination: '/hooklog', type: 'bind', source: logDir, options: ['bind'] });
  spec.hooks = hooks(s);
  b.write();
  return s;
}

const hostHook = (s: Setup, kind: string, extra: Partial<Hook> = {}, code = 0): Hook =>
  ({ path: s.hostScript, args: ['hook.sh', kind, s.log, String(code)], ...extra });
const inContainer = (kind: string, code = 0): Hook =>
  ({ path: '/hook.sh', args: ['hook.sh', kind, '/hooklog/log', String(code)], env: ['PATH=/bin'] });

const lines = (s: Setup) => (existsSync(s.log) ? readFileSync(s.log, 'utf8').trim().split('\n') : []);

t.test('all six kinds, in order, with the state the spec gives', async (t) => {
  const s = setup(t, ['sh', '-c', 'echo process >> /hooklog/log; exec sleep 1000'], (s) => ({
    prestart: [hostHook(s, 'prestart')],
    createRuntime: [hostHook(s, 'createRuntime')],
    createContainer: [hostHook(s, 'createContainer')],
    startContainer: [inContainer('startContainer')],
    poststart: [hostHook(s, 'poststart')],
    poststop: [hostHook(s, 'poststop')],
  }));
  const id = uniqueId('hooks');
  const c = s.b.run(['create', '-b', s.b.dir, id]);
  t.equal(c.status, 0, c.stderr);
  const pid = JSON.parse(s.b.run(['state', id]).stdout).pid;
  t.same(lines(s).map((l) => l.split(' ').slice(0, 3).join(' ')), [
    `prestart created ${pid}`,
    `createRuntime created ${pid}`,
    'createContainer created 1', // in the container namespace: the pid as the container sees it
  ]);
  t.equal(s.b.run(['start', id]).status, 0);
  const afterStart = lines(s);
  t.match(afterStart[3], /^startContainer created 1 /, 'startContainer in the container, before the process');
  const post = afterStart.find((l) => l.startsWith('poststart'))!;
  t.match(post, new RegExp(`^poststart running ${pid} (sh|sleep)$`), 'poststart sees the executed process, not the runtime');
  t.ok(afterStart.indexOf('process') > 3, 'the process runs after startContainer');
  t.equal(s.b.run(['kill', id, 'KILL']).status, 0);
  for (let i = 0; i < 200 && JSON.parse(s.b.run(['state', id]).stdout).status !== 'stopped'; i++) await new Promise((r) => setTimeout(r, 10));
  t.equal(s.b.run(['delete', id]).status, 0);
  t.match(lines(s).at(-1), /^poststop stopped 0 none$/);
});

t.test('failing hooks at create: the error names the hook, nothing is left', async (t) => {
  for (const kind of ['prestart', 'createRuntime', 'createContainer'] as const) {
    const s = setup(t, ['true'], (s) => ({ [kind]: [hostHook(s, kind, {}, 3)] }));
    const id = uniqueId(`fail-${kind}`);
    const r = s.b.run(['create', '-b', s.b.dir, id]);
    t.not(r.status, 0, kind);
    t.match(r.stderr, new RegExp(`hooks\\.${kind}\\[0\\]: .*exited with status 3`), kind);
    t.notOk(existsSync(join(s.b.root, id)), `${kind}: no state left`);
    for (const d of cgroupDirsOf(id)) t.notOk(existsSync(d), `${kind}: no cgroup ${d}`);
  }
});

t.test('a hook that outlives its timeout is killed and fails create', async (t) => {
  const s = setup(t, ['true'], (s) => ({ prestart: [{ path: '/bin/sleep', args: ['sleep', '30'], timeout: 1 }], createContainer: [] }));
  const started = Date.now();
  const r = s.b.run(['create', '-b', s.b.dir, uniqueId('timeout')]);
  t.not(r.status, 0);
  t.match(r.stderr, /hooks\.prestart\[0\]: \/bin\/sleep did not finish within 1s/);
  t.ok(Date.now() - started < 20_000, 'it did not wait for the hook');
  const s2 = setup(t, ['true'], () => ({ createContainer: [{ path: '/bin/sleep', args: ['sleep', '30'], timeout: 1 }] }));
  const r2 = s2.b.run(['create', '-b', s2.b.dir, uniqueId('timeout2')]);
  t.not(r2.status, 0);
  t.match(r2.stderr, /hooks\.createContainer\[0\]: .*did not finish within 1s/);
});

t.test('a failing startContainer or poststart hook fails start and stops the container', async (t) => {
  const s = setup(t, ['sleep', '1000'], () => ({ startContainer: [inContainer('startContainer', 5)] }));
  const id = uniqueId('fail-start');
  t.equal(s.b.run(['create', '-b', s.b.dir, id]).status, 0);
  const r = s.b.run(['start', id]);
  t.not(r.status, 0);
  t.match(r.stderr, /exited before running the process/);
  t.equal(JSON.parse(s.b.run(['state', id]).stdout).status, 'stopped');

  const p = setup(t, ['sleep', '1000'], (s) => ({ poststart: [hostHook(s, 'poststart', {}, 6)] }));
  const id2 = uniqueId('fail-poststart');
  t.equal(p.b.run(['create', '-b', p.b.dir, id2]).status, 0);
  const r2 = p.b.run(['start', id2]);
  t.not(r2.status, 0);
  t.match(r2.stderr, /hooks\.poststart\[0\]: .*exited with status 6/);
  for (let i = 0; i < 200 && JSON.parse(p.b.run(['state', id2]).stdout).status !== 'stopped'; i++) await new Promise((r) => setTimeout(r, 10));
  t.equal(JSON.parse(p.b.run(['state', id2]).stdout).status, 'stopped', 'the container was stopped');
});

t.test('a failing poststop hook is a warning; the next hook and delete go on', async (t) => {
  const s = setup(t, ['true'], (s) => ({ poststop: [hostHook(s, 'poststop', {}, 7), hostHook(s, 'poststop')] }));
  const id = uniqueId('fail-poststop');
  t.equal(s.b.run(['run', '-d', '-b', s.b.dir, id]).status, 0);
  for (let i = 0; i < 200 && JSON.parse(s.b.run(['state', id]).stdout).status !== 'stopped'; i++) await new Promise((r) => setTimeout(r, 10));
  const d = s.b.run(['delete', id]);
  t.equal(d.status, 0);
  t.match(d.stderr, /warning: hooks\.poststop\[0\]: .*exited with status 7/);
  t.equal(lines(s).filter((l) => l.startsWith('poststop')).length, 2, 'the second hook ran too');
  t.notOk(existsSync(join(s.b.root, id)));
});
