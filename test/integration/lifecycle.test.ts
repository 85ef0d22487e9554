import t from 'tap';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { baseSpec, cgroupDirsOf, makeBundle, spawnTsrun, uniqueId, waitForStatus } from '../lib/tsrun';

const stateOf = (b: ReturnType<typeof makeBundle>, id: string) => JSON.parse(b.run(['state', id]).stdout);

t.test('create, start, kill, delete: the states in between', async (t) => {
  const b = makeBundle(t, baseSpec(['sleep', '1000']));
  const id = uniqueId('life');
  const pidFile = join(b.dir, 'init.pid');
  const created = b.run(['create', '--bundle', b.dir, '--pid-file', pidFile, id]);
  t.equal(created.status, 0, created.stderr);

  const s1 = stateOf(b, id);
  t.equal(s1.status, 'created');
  t.equal(s1.id, id);
  t.equal(s1.bundle, b.dir);
  t.equal(s1.ociVersion, '1.3.0');
  t.same(s1.annotations, {});
  t.equal(Number(readFileSync(pidFile, 'utf8')), s1.pid, 'the pid file holds the init pid');
  t.ok(existsSync(`/proc/${s1.pid}`), 'the init exists while created');
  // Created but not started: the user's program has not run yet.
  t.notMatch(readFileSync(`/proc/${s1.pid}/cmdline`, 'utf8'), /sleep/);

  t.equal(b.run(['start', id]).status, 0);
  const s2 = stateOf(b, id);
  t.equal(s2.status, 'running');
  t.equal(s2.pid, s1.pid, 'the init execs the process: same pid');
  t.match(readFileSync(`/proc/${s2.pid}/cmdline`, 'utf8'), /sleep/);

  const second = b.run(['start', id]);
  t.not(second.status, 0, 'a running container cannot be started again');
  t.match(second.stderr, /running, not created/);

  const del = b.run(['delete', id]);
  t.not(del.status, 0, 'plain delete of a running container fails');
  t.match(del.stderr, /not stopped: running/);

  t.equal(b.run(['kill', id, 'KILL']).status, 0);
  await waitForStatus(b, id, 'stopped');
  const s3 = stateOf(b, id);
  t.equal(s3.status, 'stopped');

  const kill2 = b.run(['kill', id, 'TERM']);
  t.not(kill2.status, 0, 'a stopped container cannot be signalled');

  t.equal(b.run(['delete', id]).status, 0);
  const gone = b.run(['state', id]);
  t.not(gone.status, 0);
  t.match(gone.stderr, new RegExp(`container ${id} does not exist`));
  t.notOk(existsSync(join(b.root, id)), 'no state directory left');
  for (const d of cgroupDirsOf(id)) t.notOk(existsSync(d), `no cgroup left at ${d}`);
});

t.test('delete of a created container fails; --force kills it', async (t) => {
  const b = makeBundle(t);
  const id = uniqueId('created-del');
  t.equal(b.run(['create', '-b', b.dir, id]).status, 0);
  const pid = stateOf(b, id).pid;
  const del = b.run(['delete', id]);
  t.not(del.status, 0);
  t.match(del.stderr, /not stopped: created/);
  t.equal(stateOf(b, id).status, 'created', 'still there');
  t.equal(b.run(['delete', '--force', id]).status, 0);
  const stat = existsSync(`/proc/${pid}/stat`) ? readFileSync(`/proc/${pid}/stat`, 'utf8') : '';
  t.ok(stat === '' || / Z /.test(stat), 'the init is gone or a zombie');
  t.notOk(existsSync(join(b.root, id)));
  for (const d of cgroupDirsOf(id)) t.notOk(existsSync(d), `no cgroup left at ${d}`);
});

t.test('delete --force of an id that does not exist exits 0', async (t) => {
  const b = makeBundle(t);
  t.equal(b.run(['delete', '--force', 'no-such-container']).status, 0);
  const plain = b.run(['delete', 'no-such-container']);
  t.not(plain.status, 0);
  t.match(plain.stderr, /does not exist/);
});

t.test('an id can only be created once', async (t) => {
  const b = makeBundle(t, baseSpec(['sleep', '1000']));
  const id = uniqueId('dup');
  t.equal(b.run(['create', '-b', b.dir, id]).status, 0);
  const again = b.run(['create', '-b', b.dir, id]);
  t.not(again.status, 0);
  t.match(again.stderr, /already exists/);
  t.equal(stateOf(b, id).status, 'created', 'the first is untouched');
});

t.test('two containers side by side', async (t) => {
  const b = makeBundle(t, baseSpec(['sleep', '1000']));
  const [a, c] = [uniqueId('side-a'), uniqueId('side-b')];
  t.equal(b.run(['run', '-d', '-b', b.dir, a]).status, 0);
  t.equal(b.run(['run', '-d', '-b', b.dir, c]).status, 0);
  const [sa, sc] = [stateOf(b, a), stateOf(b, c)];
  t.equal(sa.status, 'running');
  t.equal(sc.status, 'running');
  t.not(sa.pid, sc.pid);
  t.not(readFileSync(`/proc/${sa.pid}/cgroup`, 'utf8'), readFileSync(`/proc/${sc.pid}/cgroup`, 'utf8'), 'each in its own cgroup');
  t.not(readFileSync(`/proc/${sa.pid}/mountinfo`, 'utf8') === '', true);
  t.equal(b.run(['delete', '-f', a]).status, 0);
  t.equal(stateOf(b, c).status, 'running', 'deleting one leaves the other');
});

t.test('run in the foreground returns the exit code', async (t) => {
  const b = makeBundle(t, baseSpec(['sh', '-c', 'echo out; echo err >&2; exit 3']));
  const id = uniqueId('exit');
  const r = b.run(['run', '-b', b.dir, id]);
  t.equal(r.status, 3);
  t.equal(r.stdout, 'out\n', 'stdio passes through');
  t.equal(r.stderr, 'err\n');
  t.notOk(existsSync(join(b.root, id)), 'run deletes the container after it exits');
});

t.test('run: killed by signal N gives 128+N', async (t) => {
  const b = makeBundle(t, baseSpec(['sleep', '1000']));
  const id = uniqueId('sig');
  const child = spawnTsrun(b, ['run', '-b', b.dir, id]);
  t.teardown(() => { if (child.exitCode === null) child.kill('SIGKILL'); });
  await waitForStatus(b, id, 'running');
  t.equal(b.run(['kill', id, '9']).status, 0);
  const code = await new Promise<number | null>((r) => child.on('exit', (c) => r(c)));
  t.equal(code, 137);
});

t.test('run forwards signals to the container', async (t) => {
  const b = makeBundle(t, baseSpec(['sh', '-c', 'trap "echo got TERM; exit 7" TERM; while true; do sleep 0.05; done']));
  const id = uniqueId('fwd');
  const child = spawnTsrun(b, ['run', '-b', b.dir, id]);
  let out = '';
  child.stdout!.on('data', (d) => (out += d));
  t.teardown(() => { if (child.exitCode === null) child.kill('SIGKILL'); });
  await waitForStatus(b, id, 'running');
  await new Promise((r) => setTimeout(r, 100)); // let the shell set its trap
  child.kill('SIGTERM');
  const code = await new Promise<number | null>((r) => child.on('exit', (c) => r(c)));
  t.equal(code, 7);
  t.equal(out, 'got TERM\n');
});

t.test('kill takes names, SIG names and numbers; --all signals every process', async (t) => {
  const b = makeBundle(t, baseSpec(['sh', '-c', 'sleep 1000 & sleep 1000 & wait']));
  const id = uniqueId('kill');
  t.equal(b.run(['run', '-d', '-b', b.dir, id]).status, 0);
  t.equal(b.run(['kill', id, '0']).status, 0, 'signal 0 only checks');
  const bad = b.run(['kill', id, 'NOPE']);
  t.not(bad.status, 0);
  t.match(bad.stderr, /invalid signal "NOPE"/);
  const procs = () => cgroupDirsOf(id).map((d) => { try { return readFileSync(join(d, 'cgroup.procs'), 'utf8').split('\n').filter(Boolean).length; } catch { return -1; } }).find((n) => n >= 0) ?? 0;
  t.equal(procs(), 3, 'sh and two sleeps in the cgroup');
  t.equal(b.run(['kill', '--all', id, 'SIGKILL']).status, 0);
  for (let i = 0; i < 300 && procs() > 0; i++) await new Promise((r) => setTimeout(r, 10));
  t.equal(procs(), 0, 'all gone');
});

t.test('create with no process succeeds and start then fails', async (t) => {
  const spec = baseSpec();
  delete spec.process;
  const b = makeBundle(t, spec);
  const id = uniqueId('noproc');
  const c = b.run(['create', '-b', b.dir, id]);
  t.equal(c.status, 0, c.stderr);
  t.equal(stateOf(b, id).status, 'created');
  const s = b.run(['start', id]);
  t.not(s.status, 0);
  t.match(s.stderr, /no process/);
});
