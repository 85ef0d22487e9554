// Attacks runc has suffered, tried against tsrun, and capabilities as the process sees them.
import t from 'tap';
import { createHash } from 'node:crypto';
import { spawnSync } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, readFileSync, readdirSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { baseSpec, makeBundle, TOP, uniqueId } from '../lib/tsrun';

const HELPER = join(TOP, 'dist/tsrun-helper');
const sha = (p: string) => createHash('sha256').update(readFileSync(p)).digest('hex');
const hostMounts = () => readFileSync('/proc/self/mountinfo', 'utf8');

t.test('CVE-2019-5736: the container cannot open the helper\'s /proc/PID/exe for writing', async (t) => {
  const before = sha(HELPER);
  const b = makeBundle(t, baseSpec(['true']));
  const id = uniqueId('exe');
  // A created container's pid 1 is tsrun-helper, waiting for start: the moment
  // an attacker who can exec into the container gets to reach it.
  t.equal(b.run(['create', '-b', b.dir, id]).status, 0);
  const attack = b.run(['exec', id, 'sh', '-c',
    'readlink /proc/1/exe; (echo pwned > /proc/1/exe) 2>&1 && echo WROTE; (exec 3>>/proc/1/exe) 2>/dev/null && echo OPENED || echo refused']);
  t.equal(attack.status, 0, attack.stderr);
  t.match(attack.stdout, /memfd:tsrun-helper/, 'pid 1 runs from a memfd, not the file on the host');
  t.notMatch(attack.stdout, /WROTE|OPENED/, 'opening it for writing fails');
  t.match(attack.stdout, /refused\n$/);
  t.equal(sha(HELPER), before, 'the helper on the host is unchanged');
  const status = readFileSync(`/proc/${JSON.parse(b.run(['state', id]).stdout).pid}/status`, 'utf8');
  t.match(status, /\nState:\s+S/);
});

t.test('CVE-2019-5736 during exec: helpers caught joining the container are never writable', async (t) => {
  const before = sha(HELPER);
  // The attacker watches the container's pid namespace for a process running
  // from the helper's memfd and tries to open its exe for writing.
  const watch = 'while true; do for p in /proc/[0-9]*; do case "$(readlink $p/exe 2>/dev/null)" in *tsrun*) ' +
    'echo seen >> /tmp/log; (exec 3>>$p/exe) 2>/dev/null && echo OPENED >> /tmp/log;; esac; done; done';
  const spec = baseSpec(['sh', '-c', watch]);
  spec.mounts!.push({ destination: '/tmp', type: 'tmpfs', source: 'tmpfs' });
  const b = makeBundle(t, spec);
  const id = uniqueId('exe-exec');
  t.equal(b.run(['run', '-d', '-b', b.dir, id]).status, 0);
  for (let i = 0; i < 6; i++) b.run(['exec', id, 'true']);
  const log = b.run(['exec', id, 'sh', '-c', 'cat /tmp/log 2>/dev/null; true']).stdout;
  t.notMatch(log, /OPENED/, `no helper exe opened for writing (${(log.match(/seen/g) ?? []).length} seen)`);
  t.equal(sha(HELPER), before, 'the helper on the host is unchanged');
});

t.test('CVE-2024-21626: no runtime fd reaches the process, and a cwd through /proc/self/fd fails', async (t) => {
  const b = makeBundle(t, baseSpec(['sh', '-c', 'for f in /proc/self/fd/*; do echo "$f $(readlink $f)"; done']));
  const r = b.run(['run', '-b', b.dir, uniqueId('fds')]);
  t.equal(r.status, 0, r.stderr);
  const fds = r.stdout.trim().split('\n').map((l) => Number(l.split(' ')[0].split('/').pop()));
  t.same(fds.filter((n) => n > 2 && n !== 3), [], 'only stdio (and the fd the glob itself opened)');
  for (let n = 3; n < 12; n++) {
    const spec = baseSpec(['sh', '-c', 'pwd; ls /..']);
    spec.process!.cwd = `/proc/self/fd/${n}`;
    const c = makeBundle(t, spec);
    const out = c.run(['run', '-b', c.dir, uniqueId(`cwd${n}`)]);
    if (out.status === 0) {
      // Whatever fd n was, the process ended up inside its root.
      t.notMatch(out.stdout, /tsrun-bundle|\bwork\b/, `cwd through fd ${n} stays inside`);
    } else {
      t.match(out.stderr, /process\.cwd: chdir to \/proc\/self\/fd\/\d+: /, `cwd through fd ${n} is refused`);
    }
  }
});

t.test('CVE-2021-30465: a symlinked mount target never mounts outside the rootfs', async (t) => {
  const outside = join(TOP, '..', `tsrun-escape-${process.pid}`);
  mkdirSync(outside, { recursive: true });
  t.teardown(() => rmSync(outside, { recursive: true, force: true }));
  const spec = baseSpec(['sh', '-c', 'echo inside > /evil/written; echo done']);
  spec.mounts!.push({ destination: '/evil', type: 'tmpfs', source: 'tmpfs' });
  spec.mounts!.push({ destination: '/evil2/sub', type: 'tmpfs', source: 'tmpfs' });
  const b = makeBundle(t, spec);
  symlinkSync(outside, join(b.rootfs, 'evil'));                 // absolute, pointing at a host dir
  symlinkSync('../../../../../../../../..' + outside, join(b.rootfs, 'evil2')); // relative, climbing out
  const before = hostMounts();
  const r = b.run(['run', '-b', b.dir, uniqueId('symlink')]);
  t.equal(r.status, 0, r.stderr);
  t.equal(r.stdout, 'done\n');
  t.same(readdirSync(outside), [], 'nothing was written to the host directory');
  t.equal(hostMounts(), before, 'no mount appeared on the host');
  t.notOk(hostMounts().includes(outside));
  t.ok(existsSync(join(b.rootfs, outside)), 'the target was made inside the rootfs instead');
});

t.test('/proc or /sys as a symlink in the rootfs is refused', async (t) => {
  const b = makeBundle(t, baseSpec(['true']));
  rmSync(join(b.rootfs, 'proc'), { recursive: true });
  mkdirSync(join(b.rootfs, 'fakeproc'));
  symlinkSync('/fakeproc', join(b.rootfs, 'proc'));
  const r = b.run(['run', '-b', b.dir, uniqueId('procsym')]);
  t.not(r.status, 0);
  t.match(r.stderr, /mounts\[0\]: mount proc on \/proc .*: too many symbolic links/);
  t.same(readdirSync(join(b.rootfs, 'fakeproc')), [], 'procfs did not land on the symlink\'s target');
});

t.test('a masked path that is a symlink is not followed', async (t) => {
  const spec = baseSpec(['sh', '-c', 'cat /etc/secret-link 2>&1; cat /etc/real']);
  spec.linux!.maskedPaths = ['/etc/secret-link'];
  const b = makeBundle(t, spec);
  writeFileSync(join(b.rootfs, 'etc/real'), 'real\n');
  symlinkSync('/etc/real', join(b.rootfs, 'etc/secret-link'));
  const r = b.run(['run', '-b', b.dir, uniqueId('masksym')]);
  // Either masking the link itself fails or is skipped; the link's target must stay readable and unmasked.
  t.match(r.stdout + r.stderr, /real\n/);
});

t.test('masked and read-only paths', async (t) => {
  const spec = baseSpec(['sh', '-c', 'cat /proc/kcore | wc -c; ls /proc/acpi 2>&1 | wc -l; echo 1 > /proc/sys/kernel/domainname 2>&1 || echo ro']);
  spec.linux!.maskedPaths = ['/proc/kcore', '/proc/acpi', '/no/such/path'];
  spec.linux!.readonlyPaths = ['/proc/sys', '/also/missing'];
  const b = makeBundle(t, spec);
  const r = b.run(['run', '-b', b.dir, uniqueId('mask')]);
  t.equal(r.status, 0, r.stderr);
  t.equal(r.stdout.replace(/ +/g, ''), '0\n0\nro\n', 'kcore reads empty, acpi is an empty dir, /proc/sys is read-only; missing paths are skipped');
});

t.test('capabilities: each set as the process sees it', async (t) => {
  const spec = baseSpec(['grep', '^Cap', '/proc/self/status']);
  spec.process!.user = { uid: 1000, gid: 1000 };
  spec.process!.capabilities = {
    bounding: ['CAP_CHOWN', 'CAP_KILL', 'CAP_NET_BIND_SERVICE', 'CAP_SYS_ADMIN'],
    permitted: ['CAP_CHOWN', 'CAP_KILL', 'CAP_NET_BIND_SERVICE'],
    effective: ['CAP_KILL'],
    inheritable: ['CAP_NET_BIND_SERVICE', 'CAP_KILL'],
    ambient: ['CAP_NET_BIND_SERVICE'],
  };
  const b = makeBundle(t, spec);
  const r = b.run(['run', '-b', b.dir, uniqueId('caps')]);
  t.equal(r.status, 0, r.stderr);
  const caps = Object.fromEntries(r.stdout.trim().split('\n').map((l) => l.split(/:\s+/)).map(([k, v]) => [k, BigInt('0x' + v)]));
  const bit = (n: number) => 1n << BigInt(n);
  // After execve by a non-root uid: permitted and effective come from ambient only.
  t.equal(caps.CapBnd, bit(0) | bit(5) | bit(10) | bit(21), 'bounding');
  t.equal(caps.CapInh, bit(5) | bit(10), 'inheritable');
  t.equal(caps.CapAmb, bit(10), 'ambient');
  t.equal(caps.CapPrm, bit(10), 'permitted after exec: the ambient set');
  t.equal(caps.CapEff, bit(10), 'effective after exec: the ambient set');
});

t.test('root keeps exactly the configured capabilities', async (t) => {
  const spec = baseSpec(['grep', '^Cap', '/proc/self/status']);
  spec.process!.capabilities = { bounding: ['CAP_KILL', 'CAP_CHOWN'], permitted: ['CAP_KILL', 'CAP_CHOWN'], effective: ['CAP_KILL'] };
  const b = makeBundle(t, spec);
  const r = b.run(['run', '-b', b.dir, uniqueId('rootcaps')]);
  t.equal(r.status, 0, r.stderr);
  t.match(r.stdout, /CapPrm:\s+0000000000000021\n/);
  t.match(r.stdout, /CapBnd:\s+0000000000000021\n/);
  // uid 0 execve: effective becomes the permitted set (no file caps, root rules).
  t.match(r.stdout, /CapEff:\s+0000000000000021\n/);
});

t.test('all capabilities dropped: a setuid binary does not bring them back', async (t) => {
  for (const nnp of [true, false]) {
    const spec = baseSpec(['/showid']);
    spec.process!.user = { uid: 1000, gid: 1000 };
    spec.process!.capabilities = { bounding: [], effective: [], permitted: [], inheritable: [], ambient: [] };
    spec.process!.noNewPrivileges = nnp;
    const b = makeBundle(t, spec);
    const built = spawnSync('cc', ['-static', '-O2', '-o', join(b.rootfs, 'showid'), join(TOP, 'test/security/showid.c')], { encoding: 'utf8' });
    t.equal(built.status, 0, built.stderr);
    chmodSync(join(b.rootfs, 'showid'), 0o4755); // setuid root
    const r = b.run(['run', '-b', b.dir, uniqueId('suid')]);
    t.equal(r.status, 0, r.stderr);
    t.match(r.stdout, nnp ? /^uid 1000 euid 1000\n/ : /^uid 1000 euid 0\n/,
      nnp ? 'no_new_privs: the setuid bit is ignored' : 'without no_new_privs the setuid bit gives euid 0...');
    t.match(r.stdout, /CapPrm:\s+0000000000000000\nCapEff:\s+0000000000000000\n/, '...but no capability: the bounding set is empty');
  }
});

t.test('an unknown capability is refused at create, naming the field', async (t) => {
  const spec = baseSpec(['true']);
  spec.process!.capabilities = { bounding: ['CAP_KILL', 'CAP_TEST'] };
  const b = makeBundle(t, spec);
  const r = b.run(['create', '-b', b.dir, uniqueId('captest')]);
  t.not(r.status, 0);
  t.match(r.stderr, /process\.capabilities\.bounding\[1\]: unknown capability "CAP_TEST"/);
  t.same(existsSync(b.root) ? readdirSync(b.root) : [], []);
});
