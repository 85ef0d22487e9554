// exec: a new process joins a running container's namespaces and cgroup.
import t, { type Test } from 'tap';
import { chmodSync, existsSync, readFileSync, readlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { baseSpec, cgroupDirsOf, makeBundle, spawnTsrun, uniqueId, waitForStatus, type Bundle } from '../lib/tsrun';

function running(t: Test, edit: (s: ReturnType<typeof baseSpec>) => void = () => {}, prepare: (b: Bundle) => void = () => {}) {
  const spec = baseSpec(['sh', '-c', 'echo made-by-init > /tmp/mark; exec sleep 1000']);
  spec.mounts!.push({ destination: '/tmp', type: 'tmpfs', source: 'tmpfs' });
  edit(spec);
  const b = makeBundle(t, spec);
  prepare(b);
  const id = uniqueId('exec');
  const r = b.run(['run', '-d', '-b', b.dir, id]);
  if (r.status !== 0) throw new Error(r.stderr);
  return { b, id, pid: JSON.parse(b.run(['state', id]).stdout).pid as number };
}

t.test('exec joins the namespaces: hostname, pid namespace, files', async (t) => {
  const { b, id, pid } = running(t);
  for (let i = 0; i < 100; i++) { if (b.run(['exec', id, 'cat', '/tmp/mark']).stdout) break; }
  const r = b.run(['exec', id, 'sh', '-c', 'hostname; cat /tmp/mark; cat /proc/1/cmdline | tr "\\0" " "; echo; echo $$']);
  t.equal(r.status, 0, r.stderr);
  const [host, mark, init, self] = r.stdout.split('\n');
  t.equal(host, 'tsrun-test');
  t.equal(mark, 'made-by-init', 'sees the container\'s files');
  t.equal(init, 'sleep 1000 ', 'pid 1 is the container init');
  t.not(self, '1');
  for (const ns of ['pid', 'net', 'ipc', 'uts', 'mnt']) {
    const inside = b.run(['exec', id, 'readlink', `/proc/self/ns/${ns}`]).stdout.trim();
    const init = readlinkSync(`/proc/${pid}/ns/${ns}`);
    t.equal(inside, init, `same ${ns} namespace as the init`);
  }
});

t.test('exit codes, stdio and flags', async (t) => {
  const { b, id } = running(t);
  t.equal(b.run(['exec', id, 'sh', '-c', 'exit 42']).status, 42);
  const io = b.run(['exec', id, 'sh', '-c', 'cat; echo err >&2'], { input: 'from stdin\n' });
  t.equal(io.stdout, 'from stdin\n');
  t.equal(io.stderr, 'err\n');
  const flags = b.run(['exec', '--cwd', '/tmp', '--env', 'A=1', '-e', 'B=2', '--user', '1000:1001', id, 'sh', '-c', 'pwd; echo $A$B; id -u; id -g']);
  t.equal(flags.stdout, '/tmp\n12\n1000\n1001\n', flags.stderr);
  const missing = b.run(['exec', id, 'no-such-program']);
  t.not(missing.status, 0);
  t.match(missing.stderr, /executable file not found in \$PATH/);
});

// A helper that waits for its process (exec and run in the foreground) goes
// back to tsrun's own cgroups after the clone: every hierarchy's cgroup.procs
// of the container lists only the container's processes.
t.test('a waiting helper is not one of the container\'s processes', async (t) => {
  const { b, id, pid } = running(t);
  const helperIn = (dir: string) => readFileSync(join(dir, 'cgroup.procs'), 'utf8').split('\n').filter(Boolean)
    .filter((p) => { try { return /tsrun-helper/.test(readlinkSync(`/proc/${p}/exe`)); } catch { return false; } });
  const exec = spawnTsrun(b, ['exec', id, 'sh', '-c', 'touch /tmp/exec-runs; sleep 3']);
  t.teardown(() => { exec.kill('SIGKILL'); });
  for (let i = 0; i < 200 && !b.run(['exec', id, 'ls', '/tmp/exec-runs']).stdout; i++);
  for (const d of cgroupDirsOf(id)) {
    t.same(helperIn(d), [], `exec: no helper in ${d}`);
    t.ok(readFileSync(join(d, 'cgroup.procs'), 'utf8').split('\n').includes(String(pid)), `the init is in ${d}`);
  }
  const fg = makeBundle(t, baseSpec(['sleep', '3']));
  const fgId = uniqueId('fg');
  const run = spawnTsrun(fg, ['run', '-b', fg.dir, fgId]);
  t.teardown(() => { run.kill('SIGKILL'); });
  await waitForStatus(fg, fgId, 'running');
  for (const d of cgroupDirsOf(fgId)) t.same(helperIn(d), [], `run: no helper in ${d}`);
  const code = await new Promise((resolve) => run.on('exit', resolve));
  t.equal(code, 0, 'run ends with the container');
});

t.test('--process, --detach and --pid-file', async (t) => {
  const { b, id } = running(t);
  const proc = join(b.dir, 'process.json');
  writeFileSync(proc, JSON.stringify({ args: ['sh', '-c', 'echo $X > /tmp/from-process; exec sleep 1000'], env: ['X=yes'], cwd: '/', user: { uid: 0, gid: 0 } }));
  const pidFile = join(b.dir, 'exec.pid');
  const r = b.run(['exec', '--process', proc, '--detach', '--pid-file', pidFile, id]);
  t.equal(r.status, 0, r.stderr);
  const pid = Number(readFileSync(pidFile, 'utf8'));
  t.ok(existsSync(`/proc/${pid}`), 'the detached process runs');
  t.match(readFileSync(`/proc/${pid}/cgroup`, 'utf8'), new RegExp(`/tsrun/${id}\\n`), 'in the container\'s cgroup');
  const procs = cgroupDirsOf(id).map((d) => { try { return readFileSync(join(d, 'cgroup.procs'), 'utf8'); } catch { return ''; } }).find(Boolean) ?? '';
  t.ok(procs.split('\n').includes(String(pid)), 'listed in cgroup.procs');
  let out = '';
  for (let i = 0; i < 100 && !out; i++) out = b.run(['exec', id, 'cat', '/tmp/from-process']).stdout;
  t.equal(out, 'yes\n');
  const bad = join(b.dir, 'bad.json');
  writeFileSync(bad, JSON.stringify({ args: [], cwd: '/', user: { uid: 0, gid: 0 } }));
  const br = b.run(['exec', '--process', bad, id]);
  t.not(br.status, 0);
  t.match(br.stderr, /process\.args: must be a non-empty array/);
});

t.test('exec into a stopped or missing container fails', async (t) => {
  const b = makeBundle(t, baseSpec(['true']));
  const id = uniqueId('exec-stopped');
  t.equal(b.run(['run', '-d', '-b', b.dir, id]).status, 0);
  await waitForStatus(b, id, 'stopped');
  const r = b.run(['exec', id, 'true']);
  t.not(r.status, 0);
  t.match(r.stderr, /cannot exec in container .*: it is stopped/);
  const m = b.run(['exec', 'nope', 'true']);
  t.not(m.status, 0);
  t.match(m.stderr, /container nope does not exist/);
  const none = b.run(['exec', id]);
  t.not(none.status, 0);
});

t.test('exec in a container with a user namespace', async (t) => {
  const { b, id } = running(t, (s) => {
    s.linux!.namespaces!.push({ type: 'user' });
    s.linux!.uidMappings = [{ containerID: 0, hostID: 100000, size: 65536 }];
    s.linux!.gidMappings = [{ containerID: 0, hostID: 100000, size: 65536 }];
    s.mounts = s.mounts!.filter((m) => m.destination !== '/sys');
  }, (b) => chmodSync(b.dir, 0o755));
  const r = b.run(['exec', id, 'sh', '-c', 'cat /proc/self/uid_map; id -u']);
  t.equal(r.status, 0, r.stderr);
  t.match(r.stdout, /^\s+0\s+100000\s+65536\n0\n$/);
});
