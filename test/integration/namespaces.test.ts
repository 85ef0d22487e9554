// Namespaces created and joined, the cgroup namespace, --no-pivot, fds and the printed plan.
import t from 'tap';
import { readlinkSync, openSync, closeSync, writeFileSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { baseSpec, hostMountsUnder, makeBundle, uniqueId, TSRUN } from '../lib/tsrun';

t.test('a container joins the namespaces of another by path', async (t) => {
  const a = makeBundle(t, baseSpec(['sleep', '1000']));
  const idA = uniqueId('ns-a');
  t.equal(a.run(['run', '-d', '-b', a.dir, idA]).status, 0);
  const pidA = JSON.parse(a.run(['state', idA]).stdout).pid;

  const spec = baseSpec(['sh', '-c', 'for n in net uts ipc; do readlink /proc/self/ns/$n; done; hostname']);
  spec.linux!.namespaces = [
    { type: 'pid' }, { type: 'mount' },
    { type: 'network', path: `/proc/${pidA}/ns/net` },
    { type: 'uts', path: `/proc/${pidA}/ns/uts` },
    { type: 'ipc', path: `/proc/${pidA}/ns/ipc` },
  ];
  delete spec.hostname; // the uts namespace is not ours to name
  const b = makeBundle(t, spec);
  const r = b.run(['run', '-b', b.dir, uniqueId('ns-b')]);
  t.equal(r.status, 0, r.stderr);
  const want = ['net', 'uts', 'ipc'].map((n) => readlinkSync(`/proc/${pidA}/ns/${n}`));
  t.equal(r.stdout, [...want, 'tsrun-test', ''].join('\n'), 'same namespaces, same hostname as container A');
});

t.test('a hostname with a joined uts namespace is set in it', async (t) => {
  const a = makeBundle(t, baseSpec(['sleep', '1000']));
  const idA = uniqueId('uts-a');
  t.equal(a.run(['run', '-d', '-b', a.dir, idA]).status, 0);
  const pidA = JSON.parse(a.run(['state', idA]).stdout).pid;
  const spec = baseSpec(['hostname']);
  spec.linux!.namespaces = [{ type: 'pid' }, { type: 'mount' }, { type: 'uts', path: `/proc/${pidA}/ns/uts` }];
  spec.hostname = 'renamed';
  const b = makeBundle(t, spec);
  const r = b.run(['run', '-b', b.dir, uniqueId('uts-b')]);
  t.equal(r.status, 0, r.stderr);
  t.equal(r.stdout, 'renamed\n');
  t.equal(a.run(['exec', idA, 'hostname']).stdout, 'renamed\n', 'container A shares it');
});

t.test('no mount namespace: the mounts are made on the host, and delete removes them', async (t) => {
  const spec = baseSpec(['sleep', '1000']);
  spec.linux!.namespaces = spec.linux!.namespaces!.filter((n) => n.type !== 'mount' && n.type !== 'cgroup');
  spec.mounts = spec.mounts!.filter((m) => m.type !== 'cgroup');
  const b = makeBundle(t, spec);
  writeFileSync(join(b.rootfs, 'marker'), 'inside\n');
  const id = uniqueId('nomnt');
  const r = b.run(['run', '-d', '-b', b.dir, id]);
  t.equal(r.status, 0, r.stderr);
  t.ok(hostMountsUnder(b.rootfs).length >= 3, 'the rootfs, /proc, /dev, ... are mounted on the host');
  t.equal(readlinkSync(`/proc/${JSON.parse(b.run(['state', id]).stdout).pid}/ns/mnt`), readlinkSync('/proc/self/ns/mnt'), 'the host\'s mount namespace');
  const e = b.run(['exec', id, 'sh', '-c', 'cat /marker; ls /proc/self/ns/mnt']);
  t.equal(e.stdout, 'inside\n/proc/self/ns/mnt\n', `exec is in the container's root: ${e.stderr}`);
  t.equal(b.run(['delete', '--force', id]).status, 0);
  t.same(hostMountsUnder(b.rootfs), [], 'nothing left mounted');
});

t.test('no mount namespace: a failed create leaves no mount behind', async (t) => {
  const spec = baseSpec(['/no/such/program']);
  spec.linux!.namespaces = spec.linux!.namespaces!.filter((n) => n.type !== 'mount' && n.type !== 'cgroup');
  spec.mounts = spec.mounts!.filter((m) => m.type !== 'cgroup');
  const b = makeBundle(t, spec);
  const r = b.run(['run', '-b', b.dir, uniqueId('nomnt-bad')]);
  t.not(r.status, 0);
  t.same(hostMountsUnder(b.rootfs), []);
});

t.test('no mount namespace and / as the root: refused', async (t) => {
  const spec = baseSpec(['true']);
  spec.linux!.namespaces = spec.linux!.namespaces!.filter((n) => n.type !== 'mount' && n.type !== 'cgroup');
  spec.root = { path: '/' };
  const b = makeBundle(t, spec);
  const mountsBefore = hostMountsUnder('/proc ').length;
  const r = b.run(['run', '-b', b.dir, uniqueId('nomnt-root')]);
  t.not(r.status, 0);
  t.match(r.stderr, /root\.path: without a mount namespace of its own the container's mounts would be made over the host's \//);
  t.equal(hostMountsUnder('/proc ').length, mountsBefore, 'nothing mounted over the host');
});

t.test('a namespace path that does not exist names the field', async (t) => {
  const spec = baseSpec();
  spec.linux!.namespaces!.push({ type: 'cgroup', path: '/proc/999999999/ns/cgroup' });
  const b = makeBundle(t, spec);
  const r = b.run(['run', '-b', b.dir, uniqueId('ns-bad')]);
  t.not(r.status, 0);
  t.match(r.stderr, /linux\.namespaces\[5\]\.path: join the cgroup namespace at \/proc\/999999999\/ns\/cgroup: no such file or directory/);
});

t.test('new namespaces differ from the host\'s', async (t) => {
  const spec = baseSpec(['sh', '-c', 'for n in pid net ipc uts mnt cgroup; do readlink /proc/self/ns/$n; done']);
  spec.linux!.namespaces!.push({ type: 'cgroup' });
  const b = makeBundle(t, spec);
  const r = b.run(['run', '-b', b.dir, uniqueId('ns-new')]);
  t.equal(r.status, 0, r.stderr);
  const inside = r.stdout.trim().split('\n');
  const host = ['pid', 'net', 'ipc', 'uts', 'mnt', 'cgroup'].map((n) => readlinkSync(`/proc/self/ns/${n}`));
  inside.forEach((l, i) => t.not(l, host[i], `${host[i].split(':')[0]} is new`));
});

t.test('a cgroup namespace shows the container cgroup as /', async (t) => {
  const spec = baseSpec(['cat', '/proc/self/cgroup']);
  spec.linux!.namespaces!.push({ type: 'cgroup' });
  const b = makeBundle(t, spec);
  const r = b.run(['run', '-b', b.dir, uniqueId('cgns')]);
  t.equal(r.status, 0, r.stderr);
  for (const line of r.stdout.trim().split('\n')) t.match(line, /:\/$/, line);
});

t.test('without a cgroup namespace the host path shows', async (t) => {
  const id = uniqueId('nocgns');
  const b = makeBundle(t, baseSpec(['cat', '/proc/self/cgroup']));
  const r = b.run(['run', '-b', b.dir, id]);
  t.equal(r.status, 0, r.stderr);
  t.match(r.stdout, new RegExp(`:/tsrun/${id}\\n`));
});

t.test('a cgroup mount shows the container\'s own cgroup', async (t) => {
  const spec = baseSpec(['sh', '-c', 'ls /sys/fs/cgroup; cat /sys/fs/cgroup/pids/cgroup.procs']);
  spec.mounts!.push({ destination: '/sys/fs/cgroup', type: 'cgroup', source: 'cgroup', options: ['ro', 'nosuid', 'nodev', 'noexec'] });
  spec.linux!.namespaces!.push({ type: 'cgroup' });
  const b = makeBundle(t, spec);
  const r = b.run(['run', '-b', b.dir, uniqueId('cgmount')]);
  t.equal(r.status, 0, r.stderr);
  t.match(r.stdout, /\bmemory\b/);
  t.match(r.stdout, /\bpids\b/);
  t.match(r.stdout, /\n1\n/, 'the container init is in the cgroup shown');
});

t.test('--no-pivot moves the rootfs and chroots', async (t) => {
  const b = makeBundle(t, baseSpec(['sh', '-c', 'ls /bin/busybox && grep -c " / " /proc/self/mountinfo']));
  const r = b.run(['run', '--no-pivot', '-b', b.dir, uniqueId('nopivot')]);
  t.equal(r.status, 0, r.stderr);
  t.match(r.stdout, /^\/bin\/busybox\n/);
});

t.test('only stdio reaches the process; --preserve-fds passes more', async (t) => {
  const b = makeBundle(t, baseSpec(['sh', '-c', 'ls /proc/self/fd | sort -n | tr "\\n" " "']));
  const plain = b.run(['run', '-b', b.dir, uniqueId('fds')]);
  t.equal(plain.status, 0, plain.stderr);
  // ls itself opens one fd for the directory it lists.
  t.equal(plain.stdout, '0 1 2 3 ');

  const extra = join(b.dir, 'extra');
  const fd = openSync(extra, 'w');
  t.teardown(() => closeSync(fd));
  // Give tsrun an fd 3 (the file) and ask it to preserve one fd.
  const r = spawnSync(process.execPath, [TSRUN, '--root', b.root, 'run', '--preserve-fds', '1', '-b', b.dir, uniqueId('pfds')], {
    stdio: ['ignore', 'pipe', 'pipe', fd], encoding: 'utf8', timeout: 30_000,
  });
  t.equal(r.status, 0, r.stderr);
  t.equal(r.stdout, '0 1 2 3 4 ', 'fd 3 preserved, ls opens 4');
});

t.test('tsrun plan and --trace print each step with its field', async (t) => {
  const b = makeBundle(t);
  const plan = b.run(['plan', '-b', b.dir]);
  t.equal(plan.status, 0, plan.stderr);
  t.match(plan.stdout, /^\s+0\s+helper\s+create the exec fifo/);
  t.match(plan.stdout, /clone the container init into new ipc, uts, network, pid, mount namespaces\s+\[linux\.namespaces\]/);
  t.match(plan.stdout, /mount proc on \/proc .*\[mounts\[0\]\]/);
  t.match(plan.stdout, /pivot_root into .*\[root\.path\]/);
  t.match(plan.stdout, /execve \["true"\]\s+\[process\.args\]\n$/);
  const traced = b.run(['--trace', 'run', '-b', b.dir, uniqueId('trace')]);
  t.equal(traced.status, 0);
  t.equal(traced.stderr.split('\n').length, plan.stdout.split('\n').length, 'the same steps on stderr');
});

t.test('a new session keyring unless --no-new-keyring', async (t) => {
  const b = makeBundle(t, baseSpec(['sh', '-c', 'grep -o "keyring *_ses[^:]*" /proc/keys || echo none']));
  const id = uniqueId('keys');
  const r = b.run(['run', '-b', b.dir, id]);
  t.equal(r.status, 0, r.stderr);
  t.match(r.stdout, new RegExp(`_ses\\.${id}\n`), 'the container has a session keyring of its own');
  // Root can see other root-owned keyrings (other containers'): look for this one's name only.
  const id2 = uniqueId('keys2');
  const kept = b.run(['run', '--no-new-keyring', '-b', b.dir, id2]);
  t.equal(kept.status, 0, kept.stderr);
  t.notMatch(kept.stdout, new RegExp(`_ses\\.${id2}\\b`), 'with --no-new-keyring it keeps the caller\'s');
});

t.test('LISTEN_FDS: socket-activation fds follow stdio and the process is told', async (t) => {
  const b = makeBundle(t, baseSpec(['sh', '-c', 'echo "$LISTEN_FDS $LISTEN_PID"; ls /proc/self/fd | sort -n | tr "\\n" " "']));
  const extra = join(b.dir, 'listen');
  const fd = openSync(extra, 'w');
  t.teardown(() => closeSync(fd));
  const r = spawnSync(process.execPath, [TSRUN, '--root', b.root, 'run', '-b', b.dir, uniqueId('listen')], {
    stdio: ['ignore', 'pipe', 'pipe', fd], encoding: 'utf8', timeout: 30_000,
    env: { PATH: process.env.PATH, LISTEN_FDS: '1', LISTEN_PID: String(process.pid) },
  });
  t.equal(r.status, 0, r.stderr);
  t.equal(r.stdout, '1 1\n0 1 2 3 4 ', 'fd 3 passed on; LISTEN_FDS=1 LISTEN_PID=1 (ls opens 4)');
});
