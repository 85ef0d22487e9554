// What a process sees inside the container, for each config field.
import t, { type Test } from 'tap';
import { chmodSync, chownSync, mkdirSync, readFileSync, realpathSync, symlinkSync, writeFileSync } from 'node:fs';
import { execFileSync, spawnSync } from 'node:child_process';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { baseSpec, makeBundle, TSRUN, uniqueId, type Bundle } from '../lib/tsrun';
import type { Spec } from '../../src/spec/types';
import { mountUnder, parseMountinfo as hostMounts } from '../../src/util/mountinfo';

// Runs `script` in a container made from the base config after `edit`; returns stdout.
function inside(t: Test, script: string, edit: (s: Spec) => void = () => {}, prepare: (b: Bundle) => void = () => {}) {
  const spec = baseSpec(['sh', '-c', script]);
  edit(spec);
  const b = makeBundle(t, spec);
  prepare(b);
  const r = b.run(['run', '-b', b.dir, uniqueId('in')]);
  t.equal(r.status, 0, `container exited 0 (status ${r.status}, signal ${r.signal}, stderr: ${r.stderr})`);
  return r.stdout;
}

type MountLine = { mountPoint: string; options: string; optional: string; fstype: string; superOptions: string };
function parseMountinfo(text: string): MountLine[] {
  return text.trim().split('\n').map((line) => {
    const [left, right] = line.split(' - ');
    const f = left.split(' ');
    const [fstype, , superOptions] = right.split(' ');
    return { mountPoint: f[4], options: f[5], optional: f.slice(6).join(' '), fstype, superOptions };
  });
}

t.test('hostname, domainname and pid 1', async (t) => {
  const out = inside(t, 'hostname; cat /proc/sys/kernel/domainname; echo $$', (s) => { s.domainname = 'example.org'; });
  t.equal(out, 'tsrun-test\nexample.org\n1\n');
});

t.test('no user namespace: the identity map', async (t) => {
  const out = inside(t, 'cat /proc/self/uid_map /proc/self/gid_map');
  t.match(out, /^\s+0\s+0\s+4294967295\n\s+0\s+0\s+4294967295\n$/);
});

t.test('mountinfo: root, mount types and propagation', async (t) => {
  const out = inside(t, 'cat /proc/self/mountinfo', (s) => { s.root!.readonly = true; });
  const mounts = parseMountinfo(out);
  const root = mounts.find((m) => m.mountPoint === '/')!;
  t.ok(root, 'a root mount');
  t.match(root.options, /^ro\b/, 'root.readonly: the root is read-only');
  t.notMatch(root.optional, /shared:/, 'default rslave: the root is not shared with the host');
  const byPoint = new Map(mounts.map((m) => [m.mountPoint, m]));
  t.equal(byPoint.get('/proc')?.fstype, 'proc');
  t.equal(byPoint.get('/dev')?.fstype, 'tmpfs');
  t.match(byPoint.get('/dev')?.superOptions, /mode=755/);
  t.match(byPoint.get('/dev')?.options, /nosuid/);
  t.equal(byPoint.get('/dev/pts')?.fstype, 'devpts');
  t.equal(byPoint.get('/dev/shm')?.fstype, 'tmpfs');
  t.match(byPoint.get('/dev/shm')?.options, /nosuid,nodev,noexec/);
  t.equal(byPoint.get('/dev/mqueue')?.fstype, 'mqueue');
  t.equal(byPoint.get('/sys')?.fstype, 'sysfs');
  t.match(byPoint.get('/sys')?.options, /^ro\b/);
  t.notOk(mounts.some((m) => m.mountPoint.startsWith('/work') || m.mountPoint.startsWith('/tmp/tsrun')), 'no host paths visible');
});

t.test('a writable root by default', async (t) => {
  const out = inside(t, 'touch /made-here && echo ok');
  t.equal(out, 'ok\n');
});

t.test('rootfsPropagation shared and unbindable: the new root has it, the host is unchanged', async (t) => {
  // The host mount the bundles are on, whose propagation tsrun must not change.
  const hostMount = () => JSON.stringify(mountUnder(realpathSync(tmpdir()), hostMounts()));
  const before = hostMount();
  const root = (text: string) => parseMountinfo(text).find((m) => m.mountPoint === '/')!;
  t.match(root(inside(t, 'cat /proc/self/mountinfo', (s) => { s.linux!.rootfsPropagation = 'rshared'; })).optional, /shared:\d+/, 'rshared');
  t.match(root(inside(t, 'cat /proc/self/mountinfo', (s) => { s.linux!.rootfsPropagation = 'shared'; })).optional, /shared:\d+/, 'shared');
  // A shared root: a mount made under a bind of / shows at the other place too.
  const seen = inside(t, 'mkdir -p /b /m && mount --bind / /b && mount -t tmpfs t /m && touch /m/x && ls /b/m', (s) => {
    s.linux!.rootfsPropagation = 'shared';
    s.process!.capabilities = { bounding: ['CAP_SYS_ADMIN'], effective: ['CAP_SYS_ADMIN'], permitted: ['CAP_SYS_ADMIN'] };
  });
  t.equal(seen, 'x\n', 'propagates inside the container');
  t.match(root(inside(t, 'cat /proc/self/mountinfo', (s) => { s.linux!.rootfsPropagation = 'unbindable'; })).optional, /unbindable/, 'unbindable');
  t.equal(hostMount(), before, 'the host mount under the bundles is as it was');
});

t.test('rootfsPropagation shared and private', async (t) => {
  const shared = parseMountinfo(inside(t, 'cat /proc/self/mountinfo', (s) => { s.linux!.rootfsPropagation = 'rprivate'; }));
  t.notMatch(shared.find((m) => m.mountPoint === '/')!.optional, /shared:|master:/, 'rprivate: neither shared nor slave');
  const slave = parseMountinfo(inside(t, 'cat /proc/self/mountinfo', (s) => { s.linux!.rootfsPropagation = 'rslave'; }));
  t.ok(slave.find((m) => m.mountPoint === '/'), 'rslave root present');
});

t.test('bind mounts: read-only, file and directory', async (t) => {
  const out = inside(t, 'cat /data/hello; touch /data/x 2>&1 | grep -c "Read-only"; cat /one-file', (s) => {
    s.mounts!.push({ destination: '/data', type: 'bind', source: 'data', options: ['rbind', 'ro'] });
    s.mounts!.push({ destination: '/one-file', type: 'bind', source: 'data/hello', options: ['bind'] });
  }, (b) => {
    mkdirSync(join(b.dir, 'data'));
    writeFileSync(join(b.dir, 'data/hello'), 'hi\n');
  });
  t.equal(out, 'hi\n1\nhi\n');
}, );

t.test('tmpfs with options and a mount under a new directory', async (t) => {
  const out = inside(t, 'grep " /deep/down/here " /proc/self/mountinfo | grep -o "size=[0-9]*k"', (s) => {
    s.mounts!.push({ destination: '/deep/down/here', type: 'tmpfs', source: 'tmpfs', options: ['size=1024k', 'noexec'] });
  });
  t.equal(out, 'size=1024k\n');
});

// rro must reach the mounts under a recursive bind too, which ro does not.
// The host's /dev has /dev/pts and /dev/shm under it; read-only is read
// from mountinfo, so a failure writes nothing on the host.
t.test('rro, rnosuid: recursive attributes reach every mount under a bind', async (t) => {
  const out = inside(t, 'for m in /hostdev /hostdev/shm /hostdev/pts /plain/shm; do grep " $m " /proc/self/mountinfo | head -1 | cut -d" " -f5,6; done', (s) => {
    s.mounts!.push({ destination: '/hostdev', type: 'bind', source: '/dev', options: ['rbind', 'rro', 'rnosuid'] });
    s.mounts!.push({ destination: '/plain', type: 'bind', source: '/dev', options: ['rbind', 'ro'] });
  });
  const lines = out.trim().split('\n');
  t.equal(lines.length, 4, out);
  for (const l of lines.slice(0, 3)) t.match(l, / ro,nosuid(,|$)/, `${l.split(' ')[0]} is read-only and nosuid`);
  t.match(lines[3], / rw(,|$)/, 'plain ro leaves the mounts under the bind writable, as runc does');
});

// As runc: docker run --tmpfs /root must not turn a 0755 (or 0700) /root into 1777.
t.test('a tmpfs over a directory takes its mode unless the options give one; a new one keeps 1777', async (t) => {
  const out = inside(t, 'stat -c "%n %a" /m700 /m700-given /new/dir; grep -c " /new/dir tmpfs " /proc/mounts', (s) => {
    s.mounts!.push({ destination: '/m700', type: 'tmpfs', source: 'tmpfs' });
    s.mounts!.push({ destination: '/m700-given', type: 'tmpfs', source: 'tmpfs', options: ['mode=755'] });
    s.mounts!.push({ destination: '/new/dir', type: 'tmpfs', source: 'tmpfs', options: ['size=1m'] });
  }, (b) => {
    for (const d of ['m700', 'm700-given']) {
      mkdirSync(join(b.rootfs, d));
      chmodSync(join(b.rootfs, d), 0o700);
    }
  });
  t.equal(out, '/m700 700\n/m700-given 755\n/new/dir 1777\n1\n');
});

// podman --read-only and --tmpfs ask for this (runc's extension): the tmpfs
// starts with what the image had there, and writes never reach the image.
t.test('tmpcopyup: a tmpfs holding a copy of the directory it covers', async (t) => {
  let rootfs = '';
  const out = inside(t, [
    'grep -c " /srv tmpfs " /proc/mounts',
    'stat -c "%n %F %a %u:%g" /srv /srv/data /srv/data/note /srv/data/deep/er/file /srv/link /srv/fifo',
    'cat /srv/data/note /srv/data/deep/er/file; readlink /srv/link',
    'echo new > /srv/data/note && cat /srv/data/note',
  ].join('; '), (s) => {
    s.mounts!.push({ destination: '/srv', type: 'tmpfs', source: 'tmpfs', options: ['nosuid', 'nodev', 'tmpcopyup'] });
  }, (b) => {
    rootfs = b.rootfs;
    mkdirSync(join(b.rootfs, 'srv/data/deep/er'), { recursive: true });
    chmodSync(join(b.rootfs, 'srv'), 0o750);
    writeFileSync(join(b.rootfs, 'srv/data/note'), 'from the image\n', { mode: 0o640 });
    writeFileSync(join(b.rootfs, 'srv/data/deep/er/file'), 'deep\n');
    chownSync(join(b.rootfs, 'srv/data/note'), 1000, 1001);
    chmodSync(join(b.rootfs, 'srv/data'), 0o2775);
    symlinkSync('/etc/passwd', join(b.rootfs, 'srv/link'));
    execFileSync('mkfifo', [join(b.rootfs, 'srv/fifo')]);
  });
  t.equal(out, [
    '1',
    '/srv directory 750 0:0',
    '/srv/data directory 2775 0:0',
    '/srv/data/note regular file 640 1000:1001',
    '/srv/data/deep/er/file regular file 644 0:0',
    '/srv/link symbolic link 777 0:0',
    '/srv/fifo fifo 644 0:0',
    'from the image', 'deep', '/etc/passwd',
    'new', '',
  ].join('\n'));
  t.equal(readFileSync(join(rootfs, 'srv/data/note'), 'utf8'), 'from the image\n', 'the image is untouched');
});

t.test('default devices and /dev links', async (t) => {
  const out = inside(t, 'for d in null zero full random urandom tty; do stat -c "%n %F %t:%T %a" /dev/$d; done; for l in fd stdin stdout stderr ptmx; do readlink /dev/$l; done; echo x > /dev/null && head -c 4 /dev/zero | od -An -tx1');
  t.equal(out, [
    '/dev/null character special file 1:3 666',
    '/dev/zero character special file 1:5 666',
    '/dev/full character special file 1:7 666',
    '/dev/random character special file 1:8 666',
    '/dev/urandom character special file 1:9 666',
    '/dev/tty character special file 5:0 666',
    '/proc/self/fd', '/proc/self/fd/0', '/proc/self/fd/1', '/proc/self/fd/2', 'pts/ptmx',
    ' 00 00 00 00', '',
  ].join('\n'));
});

t.test('linux.devices: a device with mode and owner', async (t) => {
  const out = inside(t, 'stat -c "%n %F %t:%T %a %u:%g" /dev/mydev /dev/sub/fuse', (s) => {
    s.linux!.devices = [
      { path: '/dev/mydev', type: 'c', major: 1, minor: 7, fileMode: 0o640, uid: 5, gid: 6 },
      { path: '/dev/sub/fuse', type: 'c', major: 10, minor: 229 },
    ];
  });
  t.equal(out, '/dev/mydev character special file 1:7 640 5:6\n/dev/sub/fuse character special file a:e5 666 0:0\n');
});

t.test('rlimits', async (t) => {
  const out = inside(t, 'ulimit -n; ulimit -Hn; ulimit -c', (s) => {
    s.process!.rlimits = [{ type: 'RLIMIT_NOFILE', soft: 512, hard: 1024 }, { type: 'RLIMIT_CORE', soft: 0, hard: 0 }];
  });
  t.equal(out, '512\n1024\n0\n');
});

t.test('signals: none ignored or blocked in the container, whatever tsrun was started with', async (t) => {
  const b = makeBundle(t, baseSpec(['grep', '-E', '^Sig(Ign|Blk)', '/proc/self/status']));
  // Node itself ignores SIGPIPE; the caller here also ignores SIGUSR1 and SIGRTMIN.
  const r = spawnSync('sh', ['-c', 'trap "" USR1 34; exec "$@"', 'sh', process.execPath, TSRUN, '--root', b.root, 'run', '-b', b.dir, uniqueId('sig')], { encoding: 'utf8' });
  t.equal(r.status, 0, r.stderr);
  t.equal(r.stdout, 'SigBlk:\t0000000000000000\nSigIgn:\t0000000000000000\n');
});

t.test('user, groups, umask, cwd and env', async (t) => {
  const out = inside(t, 'id -u; id -g; id -G; umask; pwd; echo "$GREETING"', (s) => {
    s.process!.user = { uid: 1000, gid: 1001, additionalGids: [2000, 2001], umask: 0o027 };
    s.process!.cwd = '/tmp';
    s.process!.env!.push('GREETING=hello world');
  });
  t.equal(out, '1000\n1001\n1001 2000 2001\n0027\n/tmp\nhello world\n');
});

t.test('a cwd that does not exist yet is an error naming process.cwd', async (t) => {
  const spec = baseSpec(['true']);
  spec.process!.cwd = '/no/such/dir';
  const b = makeBundle(t, spec);
  const r = b.run(['run', '-b', b.dir, uniqueId('cwd')]);
  t.not(r.status, 0);
  t.match(r.stderr, /process\.cwd: chdir to \/no\/such\/dir: no such file or directory/);
});

t.test('sysctl and oomScoreAdj', async (t) => {
  const out = inside(t, 'cat /proc/sys/net/ipv4/ip_forward /proc/self/oom_score_adj', (s) => {
    s.linux!.sysctl = { 'net.ipv4.ip_forward': '1' };
    s.process!.oomScoreAdj = 123;
  });
  t.equal(out, '1\n123\n');
});

t.test('PATH lookup inside the container, and runc\'s wording when missing', async (t) => {
  t.equal(inside(t, 'which busybox'), '/bin/busybox\n');
  const spec = baseSpec(['no-such-program']);
  const b = makeBundle(t, spec);
  const r = b.run(['run', '-b', b.dir, uniqueId('nope')]);
  t.not(r.status, 0);
  t.match(r.stderr, /exec: "no-such-program": executable file not found in \$PATH/);
});

t.test('the process is pid 1 of its own pid namespace and sees only its processes', async (t) => {
  const out = inside(t, 'cat /proc/1/cmdline | tr "\\0" " "; echo; ls /proc | grep -cE "^[0-9]+$"');
  const [cmdline, count] = out.split('\n');
  t.match(cmdline, /^sh -c /);
  t.ok(Number(count) <= 4, `only the shell and its pipeline: ${count} processes`);
});

t.test('a user namespace: mapped ids', async (t) => {
  const out = inside(t, 'cat /proc/self/uid_map /proc/self/gid_map; id -u; stat -c %u:%g /dev/null', (s) => {
    s.linux!.namespaces!.push({ type: 'user' });
    s.linux!.uidMappings = [{ containerID: 0, hostID: 100000, size: 65536 }];
    s.linux!.gidMappings = [{ containerID: 0, hostID: 100000, size: 65536 }];
    // sysfs needs a network namespace owned by the user namespace; keep it simple here.
    s.mounts = s.mounts!.filter((m) => m.destination !== '/sys');
  }, (b) => chmodSync(b.dir, 0o755)); // the mapped root must be able to reach the rootfs
  t.match(out, /^\s+0\s+100000\s+65536\n\s+0\s+100000\s+65536\n0\n/);
});

t.test('a time namespace with offsets', async (t) => {
  const out = inside(t, 'cut -d" " -f1 /proc/uptime', (s) => {
    s.linux!.namespaces!.push({ type: 'time' });
    s.linux!.timeOffsets = { boottime: { secs: 86400 * 365 } };
  });
  t.ok(Number(out) > 86400 * 365, `uptime ${out.trim()} includes the offset`);
});

t.test('linux.personality LINUX32', async (t) => {
  const out = inside(t, 'uname -m; cat /proc/self/personality', (s) => { s.linux!.personality = { domain: 'LINUX32' }; });
  t.equal(out, 'i686\n00000008\n');
});

t.test('process.ioPriority', async (t) => {
  const out = inside(t, 'ionice -p $$', (s) => { s.process!.ioPriority = { class: 'IOPRIO_CLASS_IDLE', priority: 0 }; });
  t.match(out, /^idle/);
  const be = inside(t, 'ionice -p $$', (s) => { s.process!.ioPriority = { class: 'IOPRIO_CLASS_BE', priority: 6 }; });
  t.match(be, /best-effort: prio 6/);
});

t.test('process.scheduler', async (t) => {
  const out = inside(t, 'grep -E "^policy|^prio" /proc/self/sched', (s) => {
    s.process!.scheduler = { policy: 'SCHED_BATCH', nice: 5 };
  });
  t.match(out, /policy\s+:\s+3\n/);
  t.match(out, /prio\s+:\s+125\n/, 'nice 5 is prio 125');
  // Realtime policies need an rt budget in the cpu cgroup (v1), which the cgroup work sets; SCHED_IDLE needs nothing.
  const idle = inside(t, 'grep -E "^policy" /proc/self/sched', (s) => {
    s.process!.scheduler = { policy: 'SCHED_IDLE', flags: ['SCHED_FLAG_RESET_ON_FORK'] };
  });
  t.match(idle, /policy\s+:\s+5\n/);
});

t.test('a bad scheduler policy is refused naming the field', async (t) => {
  const spec = baseSpec(['true']);
  spec.process!.scheduler = { policy: 'SCHED_FAST' };
  const b = makeBundle(t, spec);
  const r = b.run(['run', '-b', b.dir, uniqueId('sched')]);
  t.not(r.status, 0);
  t.match(r.stderr, /process\.scheduler\.policy: (unknown value "SCHED_FAST"|must be one of)/);
});
