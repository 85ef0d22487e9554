// Tests for src/plan/compile.ts: config.json in, the helper's op list out.
// The compiler is pure, so the host is a fake: lastCap 40, a cgroup layout
// parsed from a sample mountinfo, and a table of which paths exist.

import t from 'tap';
import { detectLayout, type CgroupLayout } from '../../src/cgroups/layout';
import { Cgroup } from '../../src/cgroups/manager';
import { Op, SyncTag } from '../../src/native/protocol';
import { compilePlan, formatPlan } from '../../src/plan/compile';
import { compileExecPlan } from '../../src/plan/exec';
import { ConfigError, type CompileInput, type HostFacts } from '../../src/plan/context';
import { CLONE, MOUNT_ATTR, MS, RLIMIT, S_IFBLK, S_IFCHR } from '../../src/plan/linux-constants';
import { DEFAULT_PATH } from '../../src/plan/process';
import type { Plan, PlanOp } from '../../src/plan/types';
import type { Spec } from '../../src/spec/types';

// A hybrid host: v1 controllers (cpu,cpuacct co-mounted, a named systemd
// hierarchy) and cgroup2 at /sys/fs/cgroup/unified.
const HYBRID_MOUNTINFO = [
  '22 1 8:1 / / rw,relatime - ext4 /dev/sda1 rw',
  '23 22 0:21 / /proc rw,nosuid,nodev,noexec,relatime - proc proc rw',
  '24 22 0:22 / /sys rw,nosuid,nodev,noexec,relatime - sysfs sysfs rw',
  '25 24 0:23 / /sys/fs/cgroup ro,nosuid,nodev,noexec - tmpfs tmpfs ro,mode=755',
  '26 25 0:24 / /sys/fs/cgroup/unified rw,nosuid,nodev,noexec,relatime - cgroup2 cgroup2 rw,nsdelegate',
  '27 25 0:25 / /sys/fs/cgroup/systemd rw,nosuid,nodev,noexec,relatime - cgroup cgroup rw,xattr,name=systemd',
  '28 25 0:26 / /sys/fs/cgroup/cpu,cpuacct rw,nosuid,nodev,noexec,relatime - cgroup cgroup rw,cpu,cpuacct',
  '29 25 0:27 / /sys/fs/cgroup/memory rw,nosuid,nodev,noexec,relatime - cgroup cgroup rw,memory',
  '',
].join('\n');

const UNIFIED_MOUNTINFO = [
  '22 1 8:1 / / rw,relatime - ext4 /dev/sda1 rw',
  '25 24 0:23 / /sys/fs/cgroup rw,nosuid,nodev,noexec,relatime - cgroup2 cgroup2 rw,nsdelegate',
  '',
].join('\n');

const hybrid = detectLayout(HYBRID_MOUNTINFO);
const unified = detectLayout(UNIFIED_MOUNTINFO);

const KINDS = new Map<string, 'dir' | 'file'>([
  ['/dev', 'dir'],
  ['/host/data', 'dir'],
  ['/host/resolv.conf', 'file'],
  ['/bundle/shared', 'dir'],
]);

function host(layout: CgroupLayout = hybrid, lastCap = 40): HostFacts {
  return { lastCap, cgroupLayout: layout, statKind: (p) => KINDS.get(p) ?? 'missing' };
}

// A small config in the shape of bundles/busybox/config.json, fresh per call.
function base(): Spec {
  return {
    ociVersion: '1.3.0',
    root: { path: 'rootfs' },
    hostname: 'box',
    process: {
      user: { uid: 0, gid: 0 },
      args: ['sh', '-c', 'true'],
      env: ['PATH=/bin:/usr/bin', 'TERM=xterm'],
      cwd: '/',
    },
    mounts: [
      { destination: '/proc', type: 'proc', source: 'proc' },
      { destination: '/dev', type: 'tmpfs', source: 'tmpfs', options: ['nosuid', 'strictatime', 'mode=755', 'size=65536k'] },
      { destination: '/dev/pts', type: 'devpts', source: 'devpts', options: ['nosuid', 'noexec', 'newinstance', 'ptmxmode=0666', 'mode=0620', 'gid=5'] },
    ],
    linux: {
      namespaces: [{ type: 'pid' }, { type: 'network' }, { type: 'ipc' }, { type: 'uts' }, { type: 'mount' }],
    },
  };
}

function compile(spec: Spec, over: Partial<CompileInput> = {}): Plan {
  return compilePlan({
    spec,
    id: 'c1',
    bundle: '/bundle',
    rootfs: '/bundle/rootfs',
    fifoPath: '/run/tsrun/c1/exec.fifo',
    cgroupPath: '/tsrun/c1',
    noPivot: false,
    noNewKeyring: false,
    foreground: false,
    preserveFds: 0,
    host: host(),
    ...over,
  });
}

// Op names ("Mount", "Clone") read better in failures than numbers.
const names = (ops: PlanOp[]) => ops.map((o) => Op[o.code]);
const ofCode = (plan: Plan, code: Op) => plan.ops.filter((o) => o.code === code);
const indexOf = (plan: Plan, code: Op) => plan.ops.findIndex((o) => o.code === code);
const lastIndexOf = (plan: Plan, code: Op) => plan.ops.map((o) => o.code).lastIndexOf(code);
// [code, args, field] of each op: the part the helper and error messages use.
const brief = (ops: PlanOp[]) => ops.map((o) => [Op[o.code], o.args, o.field]);
// The ops a mount produced, by its field.
const forField = (plan: Plan, field: string) => plan.ops.filter((o) => o.field === field);
const text = (a: unknown) => (a as Buffer).toString('utf8');
// The plan less the helper's entry into the cgroup (its own test below):
// what the namespace and process tests look at.
const core = (plan: Plan): Plan => ({
  ...plan,
  ops: plan.ops.filter((o) => o.code !== Op.EnterCgroup && !(o.code === Op.Sync && o.args[0] === SyncTag.CgroupMade)),
});
const FLAGS = CLONE.NEWPID | CLONE.NEWNET | CLONE.NEWIPC | CLONE.NEWUTS | CLONE.NEWNS;
const V1_TASKS = ['/sys/fs/cgroup/systemd/tsrun/c1/tasks', '/sys/fs/cgroup/cpu,cpuacct/tsrun/c1/tasks', '/sys/fs/cgroup/memory/tsrun/c1/tasks'];

function thrown(fn: () => unknown): unknown {
  try {
    fn();
  } catch (e) {
    return e;
  }
  return undefined;
}

const BIND = MS.BIND;
const CHR_666 = S_IFCHR | 0o666;

t.test('the base config: every step in order', async (t) => {
  const plan = compile(base());
  t.same(names(plan.ops), [
    'OpenFifo', 'Sync', 'EnterCgroup', 'Clone',
    'JoinKeyring', 'Sethostname',
    'Mount', 'Mount', 'OpenRoot',
    'Mkdirs', 'Mount', 'MountTmpfs', 'Mkdirs', 'Mount',
    'Mknod', 'Mknod', 'Mknod', 'Mknod', 'Mknod', 'Mknod',
    'Symlink', 'Symlink', 'Symlink', 'Symlink', 'Symlink',
    'PivotRoot', 'OpenRoot',
    'Chdir',
    'Setgroups', 'Setresgid', 'Setresuid', 'Umask',
    'ResolveExec', 'Ready', 'WaitFifo', 'CloseFds', 'Exec',
  ]);
  t.equal(plan.waitForInit, false);
  t.same(brief(plan.ops.slice(0, 4)), [
    ['OpenFifo', ['/run/tsrun/c1/exec.fifo'], 'exec fifo'],
    ['Sync', [SyncTag.CgroupMade], 'linux.cgroupsPath'],
    ['EnterCgroup', [V1_TASKS, '/sys/fs/cgroup/unified/tsrun/c1', []], 'linux.cgroupsPath'],
    ['Clone', [FLAGS, 0], 'linux.namespaces'],
  ]);
  t.same(brief(plan.ops.slice(7, 9)), [
    ['Mount', ['/bundle/rootfs', '/bundle/rootfs', 0, '', MS.BIND | MS.REC, ''], 'root.path'],
    ['OpenRoot', ['/bundle/rootfs'], 'root.path'],
  ]);
});

t.test('the cgroup: the helper enters it, the init is born in it', async (t) => {
  const own = new Map([['name=systemd', '/'], ['cpu,cpuacct', '/user.slice'], ['memory', '/'], ['', '/']]);
  const ownTasks = ['/sys/fs/cgroup/systemd/tasks', '/sys/fs/cgroup/cpu,cpuacct/user.slice/tasks', '/sys/fs/cgroup/memory/tasks'];
  t.test('hybrid, in the foreground: back to tsrun\'s own v1 cgroups to wait', async (t) => {
    const plan = compile(base(), { foreground: true, host: { ...host(), ownCgroups: own } });
    t.same(brief(plan.ops.slice(1, 4)), [
      ['Sync', [SyncTag.CgroupMade], 'linux.cgroupsPath'],
      ['EnterCgroup', [V1_TASKS, '/sys/fs/cgroup/unified/tsrun/c1', ownTasks], 'linux.cgroupsPath'],
      ['Clone', [FLAGS, 1], 'linux.namespaces'],
    ]);
    t.same(ofCode(plan, Op.Sync).map((o) => o.args[0]), [SyncTag.CgroupMade], 'no other sync');
  });
  t.test('detached: the helper exits right after the clone, from where it is', async (t) => {
    const plan = compile(base(), { host: { ...host(), ownCgroups: own } });
    t.same(ofCode(plan, Op.EnterCgroup)[0].args[2], []);
  });
  t.test('a pids limit: set at a sync once the init exists, first thing in it', async (t) => {
    const spec = base();
    spec.linux!.resources = { pids: { limit: 0 } };
    const plan = compile(spec);
    const at = indexOf(plan, Op.Clone) + 1;
    t.same(brief([plan.ops[at]]), [['Sync', [SyncTag.Cloned], 'linux']]);
    t.match(plan.ops[at].step, /set the pids limit$/);
    spec.linux!.namespaces!.push({ type: 'user' });
    t.match(compile(spec).ops[at].step, /write the id maps and set the pids limit$/);
  });
  t.test('cgroup v2 only: cloned into the directory, nothing moved', async (t) => {
    const plan = compile(base(), { host: host(unified) });
    t.same(brief(ofCode(plan, Op.EnterCgroup)), [['EnterCgroup', [[], '/sys/fs/cgroup/tsrun/c1', []], 'linux.cgroupsPath']]);
    t.match(ofCode(plan, Op.EnterCgroup)[0].step, /^open \/sys\/fs\/cgroup\/tsrun\/c1 to clone the init into$/);
  });
  t.test('no cgroups on the host: no step for them', async (t) => {
    const plan = compile(base(), { host: host(detectLayout('')) });
    t.same(ofCode(plan, Op.EnterCgroup), []);
    t.same(ofCode(plan, Op.Sync), []);
  });
  t.test('before any namespace is joined, where the paths are the host\'s', async (t) => {
    const spec = base();
    spec.linux!.namespaces = [{ type: 'mount', path: '/proc/42/ns/mnt' }, { type: 'pid' }];
    const plan = compile(spec);
    t.ok(indexOf(plan, Op.EnterCgroup) < indexOf(plan, Op.Setns));
  });
  t.test('a cgroup namespace is joined by the init, after the clone into the cgroup', async (t) => {
    const spec = base();
    spec.linux!.namespaces!.push({ type: 'cgroup', path: '/proc/42/ns/cgroup' });
    const plan = compile(spec);
    const setns = ofCode(plan, Op.Setns);
    t.same(brief(setns), [['Setns', ['/proc/42/ns/cgroup', CLONE.NEWCGROUP], 'linux.namespaces[5].path']]);
    t.equal(plan.ops.indexOf(setns[0]), indexOf(plan, Op.Clone) + 1, 'first thing in the init');
    spec.linux!.namespaces = spec.linux!.namespaces!.map((n) => (n.type === 'cgroup' ? { type: 'cgroup' } : n));
    const exec = compileExecPlan({ spec, id: 'c1', initPid: 4242, cgroupPath: '/tsrun/c1', foreground: false, preserveFds: 0, host: host() });
    const joins = ofCode(exec, Op.Setns).map((o) => [o.args[0], exec.ops.indexOf(o) > indexOf(exec, Op.Clone)]);
    t.same(joins.filter(([, after]) => after), [['/proc/4242/ns/cgroup', true]], 'exec: only the cgroup namespace after the fork');
  });
  t.test('exec: entered first, no sync; back to wait in the foreground', async (t) => {
    const exec = compileExecPlan({ spec: base(), id: 'c1', initPid: 4242, cgroupPath: '/tsrun/c1', foreground: true, preserveFds: 0, host: { ...host(), ownCgroups: own } });
    t.same(names(exec.ops.slice(0, 2)), ['EnterCgroup', 'Setns']);
    t.same(ofCode(exec, Op.EnterCgroup)[0].args, [V1_TASKS, '/sys/fs/cgroup/unified/tsrun/c1', ownTasks]);
    t.same(ofCode(exec, Op.Sync), []);
    t.same(ofCode(exec, Op.Clone)[0].args, [0, 1]);
  });
});

t.test('namespaces', async (t) => {
  t.test('new ones become clone flags; nothing joined or unshared', async (t) => {
    const plan = compile(base());
    t.same(ofCode(plan, Op.Setns), []);
    t.same(ofCode(plan, Op.Unshare), []);
    t.match(ofCode(plan, Op.Clone)[0].step, 'into new ipc, uts, network, pid, mount namespaces');
  });

  t.test('with a path: setns before the clone, user first and mount last', async (t) => {
    const spec = base();
    spec.linux!.namespaces = [
      { type: 'mount', path: '/proc/42/ns/mnt' },
      { type: 'network', path: '/var/run/netns/n1' },
      { type: 'pid' },
      { type: 'user', path: '/proc/42/ns/user' },
      { type: 'uts' },
    ];
    const plan = compile(spec);
    t.same(brief(plan.ops.slice(0, 7)), [
      ['OpenFifo', ['/run/tsrun/c1/exec.fifo'], 'exec fifo'],
      ['Sync', [SyncTag.CgroupMade], 'linux.cgroupsPath'],
      ['EnterCgroup', [V1_TASKS, '/sys/fs/cgroup/unified/tsrun/c1', []], 'linux.cgroupsPath'],
      ['Setns', ['/proc/42/ns/user', CLONE.NEWUSER], 'linux.namespaces[3].path'],
      ['Setns', ['/var/run/netns/n1', CLONE.NEWNET], 'linux.namespaces[1].path'],
      ['Setns', ['/proc/42/ns/mnt', CLONE.NEWNS], 'linux.namespaces[0].path'],
      ['Clone', [CLONE.NEWPID | CLONE.NEWUTS, 0], 'linux.namespaces'],
    ]);
  });

  t.test('cgroup: unshared by the init, born in its cgroup, first thing; not a clone flag', async (t) => {
    const spec = base();
    spec.linux!.namespaces!.push({ type: 'cgroup' });
    const plan = core(compile(spec));
    t.equal(plan.ops[1].args[0], FLAGS);
    t.same(brief(plan.ops.slice(2, 3)), [
      ['Unshare', [CLONE.NEWCGROUP], 'linux.namespaces[5]'],
    ]);
    t.equal(ofCode(plan, Op.Unshare).length, 1);
  });

  t.test('time: unshared by the helper and its offsets written before the clone', async (t) => {
    const spec = base();
    spec.linux!.namespaces!.push({ type: 'time' });
    spec.linux!.timeOffsets = { monotonic: { secs: 10 }, boottime: { secs: 20, nanosecs: 5 } };
    const plan = core(compile(spec));
    t.same(names(plan.ops.slice(0, 4)), ['OpenFifo', 'Unshare', 'WriteFile', 'Clone']);
    t.same(plan.ops[1].args, [CLONE.NEWTIME]);
    t.equal(plan.ops[1].field, 'linux.namespaces[5]');
    t.equal(plan.ops[2].args[0], '/proc/self/timens_offsets');
    t.equal(text(plan.ops[2].args[1]), 'monotonic 10 0\nboottime 20 5');
    t.equal(plan.ops[2].field, 'linux.timeOffsets');
    t.equal((plan.ops[3].args[0] as number) & CLONE.NEWTIME, 0, 'NEWTIME is not a clone flag');
  });

  t.test('time without offsets: no WriteFile', async (t) => {
    const spec = base();
    spec.linux!.namespaces!.push({ type: 'time' });
    const plan = core(compile(spec));
    t.same(names(plan.ops.slice(0, 3)), ['OpenFifo', 'Unshare', 'Clone']);
  });
});

t.test('user namespace', async (t) => {
  const spec = base();
  spec.linux!.namespaces!.push({ type: 'user' });
  spec.linux!.uidMappings = [{ containerID: 0, hostID: 100000, size: 65536 }];
  spec.linux!.gidMappings = [{ containerID: 0, hostID: 100000, size: 65536 }];
  const plan = core(compile(spec));
  t.equal((plan.ops[1].args[0] as number) & CLONE.NEWUSER, CLONE.NEWUSER);
  t.same(brief(plan.ops.slice(2, 5)), [
    ['Sync', [SyncTag.Cloned], 'linux'],
    ['Setresgid', [0], 'linux.gidMappings'],
    ['Setresuid', [0], 'linux.uidMappings'],
  ]);
  t.match(plan.ops[2].step, 'write the id maps');
});

t.test('hostname and domainname', async (t) => {
  const spec = base();
  spec.domainname = 'example.test';
  let plan = core(compile(spec));
  t.same(brief(plan.ops.slice(3, 5)), [
    ['Sethostname', ['box'], 'hostname'],
    ['Setdomainname', ['example.test'], 'domainname'],
  ]);

  // A joined uts namespace gets them too (as runc does).
  spec.linux!.namespaces = spec.linux!.namespaces!.map((n) => (n.type === 'uts' ? { type: 'uts', path: '/proc/42/ns/uts' } : n));
  plan = compile(spec);
  t.same(ofCode(plan, Op.Sethostname).map((o) => o.args), [['box']]);
  t.same(ofCode(plan, Op.Setdomainname).map((o) => o.args), [['example.test']]);

  // Without a hostname there is nothing to set.
  const plain = base();
  delete plain.hostname;
  t.same(ofCode(compile(plain), Op.Sethostname), []);
});

t.test('session keyring: a new one named after the container unless --no-new-keyring', async (t) => {
  let plan = core(compile(base()));
  t.same(brief(plan.ops.slice(2, 3)), [
    ['JoinKeyring', ['_ses.c1'], '--no-new-keyring'],
  ]);
  plan = compile(base(), { id: 'web-7', noNewKeyring: true });
  t.same(ofCode(plan, Op.JoinKeyring), []);
  t.same(ofCode(compile(base(), { id: 'web-7' }), Op.JoinKeyring)[0].args, ['_ses.web-7']);
});

t.test('rootfsPropagation', async (t) => {
  const prop = (spec: Spec) => forField(compile(spec), 'linux.rootfsPropagation');
  t.same(brief(prop(base())), [['Mount', ['', '/', 0, '', MS.SLAVE | MS.REC, ''], 'linux.rootfsPropagation']], 'default rslave');
  const cases: [string, number][] = [
    ['private', MS.PRIVATE],
    ['rprivate', MS.PRIVATE | MS.REC],
    ['shared', MS.SHARED],
    ['rshared', MS.SHARED | MS.REC],
    ['slave', MS.SLAVE],
    ['unbindable', MS.UNBINDABLE],
  ];
  for (const [name, flags] of cases) {
    const spec = base();
    spec.linux!.rootfsPropagation = name;
    const ops = prop(spec);
    // Unbindable could not be bound onto itself: private until after pivot_root.
    t.same(ops[0].args, ['', '/', 0, '', name === 'unbindable' ? MS.PRIVATE : flags, ''], `${name}: before pivot_root`);
    t.same(ops.at(-1)!.args, ['', '/', 0, '', flags, ''], `${name}: the new root, after pivot_root`);
  }
  // pivot_root refuses a shared parent mount: it is made private first.
  const on = (mountPoint: string, shared: boolean) => ({ ...host(), mountOf: () => ({ mountPoint, shared }) });
  const parentOps = (name: string, h: HostFacts) => {
    const spec = base();
    spec.linux!.rootfsPropagation = name;
    return forField(compile(spec, { host: h }), 'linux.rootfsPropagation').filter((o) => o.args[1] !== '/').map((o) => [o.args[1], o.args[4]]);
  };
  t.same(parentOps('rshared', on('/bundles', false)), [['/bundles', MS.PRIVATE]], 'rshared: the parent mount is shared now');
  t.same(parentOps('slave', on('/bundles', true)), [['/bundles', MS.PRIVATE]], 'non-recursive: a mount the host shares');
  t.same(parentOps('slave', on('/bundles', false)), [], 'non-recursive: a mount the host does not share');
  t.same(parentOps('rslave', on('/bundles', true)), [], 'recursive slave: nothing is shared');
  const spec = base();
  spec.linux!.rootfsPropagation = 'sideways';
  const e = thrown(() => compile(spec));
  t.ok(e instanceof ConfigError);
  t.equal((e as ConfigError).field, 'linux.rootfsPropagation');
  t.equal((e as Error).message, 'linux.rootfsPropagation: unknown propagation sideways');
});

t.test('root.readonly: / is remounted read-only after the masked paths, before the process', async (t) => {
  const spec = base();
  spec.root!.readonly = true;
  spec.linux!.maskedPaths = ['/proc/kcore'];
  const plan = compile(spec);
  const at = plan.ops.findIndex((o) => o.field === 'root.readonly');
  t.same(brief([plan.ops[at]]), [['Mount', ['', '/', 0, '', MS.REMOUNT | MS.BIND | MS.RDONLY, ''], 'root.readonly']]);
  t.equal(at, lastIndexOf(plan, Op.Mount), 'the last mount');
  t.equal(Op[plan.ops[at - 1].code], 'MaskPath');
  t.equal(Op[plan.ops[at + 1].code], 'Chdir');
  t.same(forField(compile(base()), 'root.readonly'), [], 'absent: no remount');
});

t.test('mounts', async (t) => {
  t.test('proc, tmpfs and devpts: flags and data split as mount(8) does', async (t) => {
    const plan = compile(base());
    t.same(brief(forField(plan, 'mounts[0]')), [
      ['Mkdirs', ['/proc', 0o755, 0], 'mounts[0]'],
      ['Mount', ['proc', '/proc', 2, 'proc', 0, ''] /* no symlinks on the way */, 'mounts[0]'],
    ]);
    t.same(brief(forField(plan, 'mounts[1]')), [
      ['MountTmpfs', ['tmpfs', '/dev', MS.NOSUID | MS.STRICTATIME, 'mode=755,size=65536k', 0], 'mounts[1]'],
    ]);
    t.same(forField(plan, 'mounts[2]')[1].args,
      ['devpts', '/dev/pts', 1, 'devpts', MS.NOSUID | MS.NOEXEC, 'newinstance,ptmxmode=0666,mode=0620,gid=5']);
  });

  t.test('tmpfs with ro, a missing source and an unclean destination', async (t) => {
    const spec = base();
    spec.mounts!.push({ destination: 'run//x/', type: 'tmpfs', options: ['ro', 'nodev', 'size=1m', 'rw', 'mode=700'] });
    const ops = forField(compile(spec), 'mounts[3]');
    t.same(brief(ops), [
      ['MountTmpfs', ['tmpfs', '/run/x', MS.NODEV, 'size=1m,mode=700', 0], 'mounts[3]'],
    ]);
  });

  t.test('bind with ro: a bind, then a read-only bind remount', async (t) => {
    const spec = base();
    spec.mounts!.push({ destination: '/data', type: 'bind', source: '/host/data', options: ['bind', 'ro', 'nosuid'] });
    t.same(brief(forField(compile(spec), 'mounts[3]')), [
      ['Mkdirs', ['/data', 0o755, 0], 'mounts[3]'],
      ['Mount', ['/host/data', '/data', 1, '', BIND, ''], 'mounts[3]'],
      ['Mount', ['', '/data', 1, '', MS.REMOUNT | BIND | MS.RDONLY | MS.NOSUID, ''], 'mounts[3]'],
    ]);
  });

  t.test('rbind: recursive, and no remount when nothing needs one', async (t) => {
    const spec = base();
    spec.mounts!.push({ destination: '/data', source: '/host/data', options: ['rbind', 'rw'] });
    t.same(brief(forField(compile(spec), 'mounts[3]')), [
      ['Mkdirs', ['/data', 0o755, 0], 'mounts[3]'],
      ['Mount', ['/host/data', '/data', 1, '', BIND | MS.REC, ''], 'mounts[3]'],
    ]);
  });

  t.test('rro: a recursive mount_setattr after the bind, before propagation', async (t) => {
    const spec = base();
    spec.mounts!.push({ destination: '/data', type: 'bind', source: '/host/data', options: ['rbind', 'rro', 'rnosuid', 'rprivate'] });
    t.same(brief(forField(compile(spec), 'mounts[3]')), [
      ['Mkdirs', ['/data', 0o755, 0], 'mounts[3]'],
      ['Mount', ['/host/data', '/data', 1, '', BIND | MS.REC, ''], 'mounts[3]'],
      ['MountSetattr', ['/data', MOUNT_ATTR.RDONLY | MOUNT_ATTR.NOSUID, 0], 'mounts[3]'],
      ['Mount', ['', '/data', 1, '', MS.PRIVATE | MS.REC, ''], 'mounts[3]'],
    ]);
  });

  t.test('a relative bind source is resolved against the bundle', async (t) => {
    const spec = base();
    spec.mounts!.push({ destination: '/shared', type: 'bind', source: 'shared' });
    t.same(forField(compile(spec), 'mounts[3]')[1].args, ['/bundle/shared', '/shared', 1, '', BIND, '']);
  });

  t.test('propagation options add a mount after the bind', async (t) => {
    const spec = base();
    spec.mounts!.push({ destination: '/data', type: 'bind', source: '/host/data', options: ['rbind', 'ro', 'rprivate', 'unbindable'] });
    t.same(brief(forField(compile(spec), 'mounts[3]')), [
      ['Mkdirs', ['/data', 0o755, 0], 'mounts[3]'],
      ['Mount', ['/host/data', '/data', 1, '', BIND | MS.REC, ''], 'mounts[3]'],
      ['Mount', ['', '/data', 1, '', MS.REMOUNT | BIND | MS.RDONLY, ''], 'mounts[3]'],
      ['Mount', ['', '/data', 1, '', MS.PRIVATE | MS.REC, ''], 'mounts[3]'],
      ['Mount', ['', '/data', 1, '', MS.UNBINDABLE, ''], 'mounts[3]'],
    ]);
  });

  t.test('a file as bind source: the target is created as a file', async (t) => {
    const spec = base();
    spec.mounts!.push({ destination: '/etc/resolv.conf', type: 'bind', source: '/host/resolv.conf', options: ['rbind', 'ro'] });
    const ops = forField(compile(spec), 'mounts[3]');
    t.same(ops[0].args, ['/etc/resolv.conf', 0o755, 1]);
    t.match(ops[0].step, '(a file)');
  });

  t.test('a missing bind source is a ConfigError naming mounts[i].source', async (t) => {
    const spec = base();
    spec.mounts!.push({ destination: '/data', type: 'bind', source: '/nope', options: ['rbind'] });
    const e = thrown(() => compile(spec));
    t.ok(e instanceof ConfigError);
    t.equal((e as ConfigError).field, 'mounts[3].source');
    t.equal((e as Error).message, 'mounts[3].source: /nope does not exist');
  });

  t.test('tmpcopyup: the tmpfs op copies in what it covers', async (t) => {
    const spec = base();
    spec.mounts!.push({ destination: '/etc', type: 'tmpfs', source: 'tmpfs', options: ['nosuid', 'tmpcopyup', 'size=1m'] });
    const ops = forField(compile(spec), 'mounts[3]');
    t.same(brief(ops), [
      ['MountTmpfs', ['tmpfs', '/etc', MS.NOSUID, 'size=1m', 1], 'mounts[3]'],
    ]);
    t.match(ops[0].step, 'holding a copy of what /etc held (tmpcopyup)');
  });

  t.test('tmpcopyup on anything but a tmpfs is refused, naming the options', async (t) => {
    for (const m of [
      { destination: '/data', type: 'bind', source: '/host/data', options: ['rbind', 'tmpcopyup'] },
      { destination: '/p', type: 'proc', source: 'proc', options: ['tmpcopyup'] },
    ]) {
      const spec = base();
      spec.mounts!.push(m);
      const e = thrown(() => compile(spec));
      t.ok(e instanceof ConfigError);
      t.match((e as Error).message, /^mounts\[3\]\.options: tmpcopyup is for tmpfs mounts, not (bind|proc)$/);
    }
  });

  t.test('a bind without a source is a ConfigError', async (t) => {
    const spec = base();
    spec.mounts!.push({ destination: '/data', type: 'none', options: ['bind'] });
    const e = thrown(() => compile(spec));
    t.ok(e instanceof ConfigError);
    t.equal((e as Error).message, 'mounts[3].source: a bind mount needs a source');
  });
});

t.test('cgroup mount', async (t) => {
  const cgroupMount = { destination: '/sys/fs/cgroup', type: 'cgroup', source: 'cgroup', options: ['nosuid', 'noexec', 'nodev', 'relatime', 'ro'] };
  const RO = MS.RDONLY | MS.NOSUID | MS.NODEV | MS.NOEXEC;

  t.test('hybrid: a tmpfs with one bind per hierarchy', async (t) => {
    t.same(hybrid.mode, 'hybrid');
    const spec = base();
    spec.mounts!.push(cgroupMount);
    const ops = brief(forField(compile(spec), 'mounts[3]'));
    const bindOne = (sub: string, host: string) => [
      ['Mkdirs', [sub, 0o755, 0], 'mounts[3]'],
      ['Mount', [host, sub, 1, '', BIND | MS.REC, ''], 'mounts[3]'],
      ['Mount', ['', sub, 1, '', MS.REMOUNT | BIND | RO, ''], 'mounts[3]'],
    ];
    t.same(ops, [
      ['Mkdirs', ['/sys/fs/cgroup', 0o755, 0], 'mounts[3]'],
      ['Mount', ['tmpfs', '/sys/fs/cgroup', 1, 'tmpfs', MS.NOSUID | MS.NODEV | MS.NOEXEC, 'mode=755'], 'mounts[3]'],
      ...bindOne('/sys/fs/cgroup/systemd', '/sys/fs/cgroup/systemd/tsrun/c1'),
      ...bindOne('/sys/fs/cgroup/cpu,cpuacct', '/sys/fs/cgroup/cpu,cpuacct/tsrun/c1'),
      ['Symlink', ['cpu,cpuacct', '/sys/fs/cgroup/cpu'], 'mounts[3]'],
      ['Symlink', ['cpu,cpuacct', '/sys/fs/cgroup/cpuacct'], 'mounts[3]'],
      ...bindOne('/sys/fs/cgroup/memory', '/sys/fs/cgroup/memory/tsrun/c1'),
      ...bindOne('/sys/fs/cgroup/unified', '/sys/fs/cgroup/unified/tsrun/c1'),
      ['Mount', ['', '/sys/fs/cgroup', 1, '', MS.REMOUNT | MS.RDONLY | MS.NOSUID | MS.NODEV | MS.NOEXEC, ''], 'mounts[3]'],
    ]);
  });

  t.test('hybrid without ro: the tmpfs stays writable', async (t) => {
    const spec = base();
    spec.mounts!.push({ ...cgroupMount, options: ['nosuid'] });
    const ops = forField(compile(spec), 'mounts[3]');
    t.equal(ops.filter((o) => o.args[1] === '/sys/fs/cgroup' && o.code === Op.Mount).length, 1);
    t.same(ops[4].args, ['', '/sys/fs/cgroup/systemd', 1, '', MS.REMOUNT | BIND | MS.NOSUID, '']);
  });

  t.test('unified: a bind of the container\'s cgroup directory', async (t) => {
    t.same(unified.mode, 'unified');
    const spec = base();
    spec.mounts!.push(cgroupMount);
    const plan = compile(spec, { host: host(unified) });
    t.same(brief(forField(plan, 'mounts[3]')), [
      ['Mkdirs', ['/sys/fs/cgroup', 0o755, 0], 'mounts[3]'],
      ['Mount', ['/sys/fs/cgroup/tsrun/c1', '/sys/fs/cgroup', 1, '', BIND | MS.REC, ''], 'mounts[3]'],
      ['Mount', ['', '/sys/fs/cgroup', 1, '', MS.REMOUNT | BIND | RO, ''], 'mounts[3]'],
    ]);
  });

  // Cgroup.dir (src/cgroups/manager.ts) strips a hierarchy's mount root from
  // the container's path; the bind source of the cgroup mount does not.
  t.test('a hierarchy mounted from a sub-root binds the directory Cgroup.dir uses', async (t) => {
    const nested = detectLayout('30 25 0:26 /docker/abc /sys/fs/cgroup/memory rw - cgroup cgroup rw,memory\n'
      + '31 25 0:24 /docker/abc /sys/fs/cgroup/unified rw - cgroup2 cgroup2 rw\n');
    const spec = base();
    spec.mounts!.push(cgroupMount);
    const plan = compile(spec, { host: host(nested), cgroupPath: '/docker/abc/tsrun/c1' });
    t.equal(new Cgroup(nested, '/docker/abc/tsrun/c1').dir(nested.hierarchies[0]), '/sys/fs/cgroup/memory/tsrun/c1');
    t.equal(forField(plan, 'mounts[3]')[3].args[0], '/sys/fs/cgroup/memory/tsrun/c1', 'bind source');
  });
});

t.test('devices', async (t) => {
  const DEFAULTS: [string, number, number][] = [
    ['/dev/null', 1, 3], ['/dev/zero', 1, 5], ['/dev/full', 1, 7],
    ['/dev/random', 1, 8], ['/dev/urandom', 1, 9], ['/dev/tty', 5, 0],
  ];
  const LINKS = [
    ['Symlink', ['/proc/self/fd', '/dev/fd'], 'default devices'],
    ['Symlink', ['/proc/self/fd/0', '/dev/stdin'], 'default devices'],
    ['Symlink', ['/proc/self/fd/1', '/dev/stdout'], 'default devices'],
    ['Symlink', ['/proc/self/fd/2', '/dev/stderr'], 'default devices'],
  ];
  const PTMX = ['Symlink', ['pts/ptmx', '/dev/ptmx'], 'default devices'];
  const deviceOps = (plan: Plan) => plan.ops.filter((o) => o.field === 'default devices' || o.field.startsWith('linux.devices'));

  t.test('the default six nodes and the /dev symlinks', async (t) => {
    t.same(brief(deviceOps(compile(base()))), [
      ...DEFAULTS.map(([p, maj, min]) => ['Mknod', [p, CHR_666, maj, min, 0, 0], 'default devices']),
      ...LINKS,
      PTMX,
    ]);
  });

  t.test('no /dev/pts mount: no /dev/ptmx link', async (t) => {
    const spec = base();
    spec.mounts!.pop();
    const ops = brief(deviceOps(compile(spec)));
    t.equal(ops.length, 10);
    t.same(ops.slice(6), LINKS);
  });

  t.test('in a user namespace the host nodes are bound instead', async (t) => {
    const spec = base();
    spec.linux!.namespaces!.push({ type: 'user' });
    const ops = brief(deviceOps(compile(spec)));
    t.same(ops, [
      ...DEFAULTS.flatMap(([p]) => [
        ['Mkdirs', [p, 0o755, 1], 'default devices'],
        ['Mount', [p, p, 1, '', BIND, ''], 'default devices'],
      ]),
      ...LINKS,
      PTMX,
    ]);
  });

  t.test('a linux.devices entry with the same path replaces the default one', async (t) => {
    const spec = base();
    spec.linux!.devices = [
      { path: '/dev/null', type: 'c', major: 1, minor: 3, fileMode: 0o600, uid: 1000, gid: 1001 },
      { path: '/dev/net/tun', type: 'c', major: 10, minor: 200 },
      { path: '/dev/sda', type: 'b', major: 8, minor: 0, fileMode: 0o660 },
    ];
    const ops = brief(deviceOps(compile(spec)));
    t.same(ops.slice(0, 5).map((o) => (o[1] as unknown[])[0]), ['/dev/zero', '/dev/full', '/dev/random', '/dev/urandom', '/dev/tty']);
    t.same(ops.slice(5, 9), [
      ['Mknod', ['/dev/null', S_IFCHR | 0o600, 1, 3, 1000, 1001], 'linux.devices[0]'],
      ['Mkdirs', ['/dev/net', 0o755, 0], 'linux.devices[1]'],
      ['Mknod', ['/dev/net/tun', CHR_666, 10, 200, 0, 0], 'linux.devices[1]'],
      ['Mknod', ['/dev/sda', S_IFBLK | 0o660, 8, 0, 0, 0], 'linux.devices[2]'],
    ]);
    t.equal(ops.filter((o) => (o[1] as unknown[])[0] === '/dev/null').length, 1);
  });

  t.test('/dev bind-mounted from the host: no device ops at all', async (t) => {
    const spec = base();
    spec.mounts![1] = { destination: '/dev', type: 'bind', source: '/dev', options: ['rbind'] };
    const plan = compile(spec);
    t.same(ofCode(plan, Op.Mknod), []);
    t.same(deviceOps(plan), []);
    t.same(ofCode(plan, Op.Symlink), []);
  });

  t.test('/dev/ with a trailing slash is still /dev', async (t) => {
    const spec = base();
    spec.mounts![1] = { destination: '/dev/', type: 'bind', source: '/dev', options: ['rbind'] };
    t.same(ofCode(compile(spec), Op.Mknod), [], 'no mknod');
  });
});

t.test('masked and read-only paths come after pivot_root', async (t) => {
  const spec = base();
  spec.linux!.maskedPaths = ['/proc/kcore', 'sys/firmware'];
  spec.linux!.readonlyPaths = ['/proc/sys'];
  const plan = compile(spec);
  const at = indexOf(plan, Op.PivotRoot);
  t.same(brief(plan.ops.slice(at, at + 5)), [
    ['PivotRoot', ['/bundle/rootfs'], 'root.path'],
    ['OpenRoot', ['/'], 'root.path'],
    ['ReadonlyPath', ['/proc/sys'], 'linux.readonlyPaths[0]'],
    ['MaskPath', ['/proc/kcore'], 'linux.maskedPaths[0]'],
    ['MaskPath', ['/sys/firmware'], 'linux.maskedPaths[1]'],
  ]);
});

t.test('--no-pivot: MoveRoot instead of PivotRoot', async (t) => {
  const plan = compile(base(), { noPivot: true });
  t.same(ofCode(plan, Op.PivotRoot), []);
  t.same(brief(ofCode(plan, Op.MoveRoot)), [['MoveRoot', ['/bundle/rootfs'], 'root.path']]);
  t.equal(Op[plan.ops[indexOf(plan, Op.MoveRoot) + 1].code], 'OpenRoot');
});

t.test('no mount namespace: chroot, and nothing that changes the host\'s propagation', async (t) => {
  const spec = base();
  spec.linux!.namespaces = spec.linux!.namespaces!.filter((n) => n.type !== 'mount');
  const plan = compile(spec);
  t.same(ofCode(plan, Op.PivotRoot), []);
  t.same(brief(ofCode(plan, Op.Chroot)), [['Chroot', ['/bundle/rootfs'], 'linux.namespaces']]);
  t.same(forField(plan, 'linux.rootfsPropagation'), [], 'no propagation change of /');
  t.ok(indexOf(plan, Op.Chroot) > ofCode(plan, Op.Mount).map((o) => plan.ops.indexOf(o)).sort((a, b) => a - b)[2], 'after the mounts');
  const exec = compileExecPlan({ spec, id: 'c1', initPid: 4242, cgroupPath: '/tsrun/c1', foreground: true, preserveFds: 0, host: host() });
  t.same(ofCode(exec, Op.Chroot).map((o) => o.args), [['/proc/4242/root']], 'exec: into the init\'s root');
  t.ok(indexOf(exec, Op.Chroot) < indexOf(exec, Op.Clone), 'exec: before the fork');
});

t.test('hooks', async (t) => {
  const hook = { path: '/bin/true' };
  const hooksSync = (plan: Plan) => plan.ops.filter((o) => o.code === Op.Sync && o.args[0] === SyncTag.RuntimeHooks);

  for (const kind of ['prestart', 'createRuntime'] as const) {
    t.test(`${kind}: a RuntimeHooks sync after the mounts and devices, right before pivot_root`, async (t) => {
      const spec = base();
      spec.hooks = { [kind]: [hook] };
      const plan = compile(spec);
      t.same(brief(hooksSync(plan)), [['Sync', [SyncTag.RuntimeHooks], 'hooks']]);
      const at = plan.ops.indexOf(hooksSync(plan)[0]);
      t.equal(Op[plan.ops[at + 1].code], 'PivotRoot');
      t.same(plan.ops[at - 1].args, ['pts/ptmx', '/dev/ptmx'], 'after the last device op');
      t.ok(at > lastIndexOf(plan, Op.Mknod));
    });
  }

  t.test('only hooks that the init runs itself: no extra sync', async (t) => {
    const spec = base();
    spec.hooks = { createContainer: [hook], startContainer: [hook], poststart: [hook], poststop: [hook], prestart: [] };
    const plan = compile(spec);
    t.same(hooksSync(plan), []);
    t.equal(ofCode(plan, Op.Sync).length, 1);
  });
});

t.test('process', async (t) => {
  t.test('sysctl: WriteFile under /proc/sys after pivot_root', async (t) => {
    const spec = base();
    spec.linux!.sysctl = { 'net.ipv4.ip_forward': '1', 'kernel.msgmax': '8192' };
    const plan = compile(spec);
    const writes = ofCode(plan, Op.WriteFile);
    t.same(writes.map((o) => [o.args[0], text(o.args[1]), o.field]), [
      ['/proc/sys/net/ipv4/ip_forward', '1', 'linux.sysctl.net.ipv4.ip_forward'],
      ['/proc/sys/kernel/msgmax', '8192', 'linux.sysctl.kernel.msgmax'],
    ]);
    t.ok(plan.ops.indexOf(writes[0]) > indexOf(plan, Op.PivotRoot));
  });

  // runc writes sysctls before it makes readonlyPaths read-only; with the
  // usual readonlyPaths entry /proc/sys, a later write would fail with EROFS.
  t.test('sysctl is written before readonlyPaths make /proc/sys read-only', async (t) => {
    const spec = base();
    spec.linux!.sysctl = { 'net.ipv4.ip_forward': '1' };
    spec.linux!.readonlyPaths = ['/proc/sys'];
    const plan = compile(spec);
    t.ok(indexOf(plan, Op.WriteFile) < indexOf(plan, Op.ReadonlyPath), 'WriteFile before ReadonlyPath');
  });

  t.test('oomScoreAdj first thing in the init', async (t) => {
    const spec = base();
    spec.process!.oomScoreAdj = -500;
    const plan = core(compile(spec));
    t.equal(Op[plan.ops[2].code], 'WriteFile');
    t.same([plan.ops[2].args[0], text(plan.ops[2].args[1]), plan.ops[2].field], ['/proc/self/oom_score_adj', '-500', 'process.oomScoreAdj']);
    t.equal(Op[plan.ops[3].code], 'JoinKeyring');
  });

  t.test('rlimits and cwd', async (t) => {
    const spec = base();
    spec.process!.cwd = '/work';
    spec.process!.rlimits = [
      { type: 'RLIMIT_NOFILE', soft: 1024, hard: 2048 },
      { type: 'RLIMIT_CORE', soft: 0, hard: 0 },
    ];
    const plan = compile(spec);
    const at = indexOf(plan, Op.Setrlimit);
    t.same(brief(plan.ops.slice(at, at + 3)), [
      ['Setrlimit', [RLIMIT.RLIMIT_NOFILE, 1024, 2048], 'process.rlimits[0]'],
      ['Setrlimit', [RLIMIT.RLIMIT_CORE, 0, 0], 'process.rlimits[1]'],
      ['Chdir', ['/work'], 'process.cwd'],
    ]);
    t.equal(RLIMIT.RLIMIT_NOFILE, 7);
    t.equal(RLIMIT.RLIMIT_CORE, 4);
  });

  t.test('capabilities: bounding set, keepcaps around the user switch, then the sets', async (t) => {
    const spec = base();
    spec.process!.user = { uid: 1000, gid: 1001, additionalGids: [10, 20] };
    spec.process!.capabilities = {
      bounding: ['CAP_CHOWN', 'CAP_KILL', 'CAP_NET_BIND_SERVICE', 'CAP_CHECKPOINT_RESTORE'],
      effective: ['CAP_KILL'],
      permitted: ['CAP_KILL', 'CAP_NET_BIND_SERVICE'],
      inheritable: [],
      ambient: ['CAP_NET_BIND_SERVICE'],
    };
    const plan = compile(spec);
    const at = indexOf(plan, Op.CapBounding);
    t.equal(Op[plan.ops[at - 1].code], 'Chdir');
    t.same(brief(plan.ops.slice(at, at + 8)), [
      ['CapBounding', [(1n << 0n) | (1n << 5n) | (1n << 10n) | (1n << 40n)], 'process.capabilities.bounding'],
      ['Keepcaps', [1], 'process.capabilities'],
      ['Setgroups', [10, 20], 'process.user.additionalGids'],
      ['Setresgid', [1001], 'process.user.gid'],
      ['Setresuid', [1000], 'process.user.uid'],
      ['Keepcaps', [0], 'process.capabilities'],
      ['Caps', [1n << 5n, (1n << 5n) | (1n << 10n), 0n, 1n << 10n], 'process.capabilities'],
      ['Umask', [0o022], 'process.user.umask'],
    ]);
    t.equal(typeof plan.ops[at].args[0], 'bigint');
    t.equal(plan.ops[at].step, 'limit the bounding set to CAP_CHOWN,CAP_KILL,CAP_NET_BIND_SERVICE,CAP_CHECKPOINT_RESTORE');
  });

  t.test('capabilities the kernel lacks are left out of the masks', async (t) => {
    const spec = base();
    spec.process!.capabilities = { bounding: ['CAP_KILL', 'CAP_CHECKPOINT_RESTORE'] };
    const plan = compile(spec, { host: host(hybrid, 39) });
    t.same(ofCode(plan, Op.CapBounding)[0].args, [1n << 5n]);
    t.same(ofCode(plan, Op.Caps)[0].args, [0n, 0n, 0n, 0n]);
  });

  t.test('no capabilities: no capability ops', async (t) => {
    const plan = compile(base());
    for (const code of [Op.CapBounding, Op.Keepcaps, Op.Caps]) t.same(ofCode(plan, code), [], Op[code]);
    t.same(brief(plan.ops.slice(indexOf(plan, Op.Setgroups), indexOf(plan, Op.ResolveExec))), [
      ['Setgroups', [], 'process.user.additionalGids'],
      ['Setresgid', [0], 'process.user.gid'],
      ['Setresuid', [0], 'process.user.uid'],
      ['Umask', [0o022], 'process.user.umask'],
    ]);
  });

  t.test('umask and noNewPrivileges', async (t) => {
    const spec = base();
    spec.process!.user.umask = 0o077;
    spec.process!.noNewPrivileges = true;
    const plan = compile(spec);
    const at = indexOf(plan, Op.Umask);
    t.same(brief(plan.ops.slice(at, at + 3)), [
      ['Umask', [0o077], 'process.user.umask'],
      ['NoNewPrivs', [], 'process.noNewPrivileges'],
      ['ResolveExec', ['sh', '/bin:/usr/bin'], 'process.args'],
    ]);
    t.same(ofCode(compile(base()), Op.NoNewPrivs), [], 'absent: not set');
  });

  t.test('ResolveExec takes PATH from process.env, or the default', async (t) => {
    const spec = base();
    spec.process!.env = ['HOME=/root'];
    t.same(ofCode(compile(spec), Op.ResolveExec)[0].args, ['sh', DEFAULT_PATH]);
    delete spec.process!.env;
    t.same(ofCode(compile(spec), Op.ResolveExec)[0].args, ['sh', DEFAULT_PATH]);
    t.equal(DEFAULT_PATH, '/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin');
  });

  t.test('the end: resolve, ready, wait, close fds, exec', async (t) => {
    const plan = compile(base(), { preserveFds: 2 });
    t.same(brief(plan.ops.slice(-5)), [
      ['ResolveExec', ['sh', '/bin:/usr/bin'], 'process.args'],
      ['Ready', [], 'process'],
      ['WaitFifo', [], 'process'],
      ['CloseFds', [5], 'process'],
      ['Exec', [['sh', '-c', 'true'], ['PATH=/bin:/usr/bin', 'TERM=xterm']], 'process.args'],
    ]);
    t.same(ofCode(compile(base()), Op.CloseFds)[0].args, [3], 'no preserved fds: from 3');
  });

  t.test('no process: ends with Ready and WaitFifo, nothing to exec', async (t) => {
    const spec = base();
    delete spec.process;
    spec.linux!.sysctl = { 'net.ipv4.ip_forward': '1' };
    const plan = compile(spec);
    t.same(names(plan.ops.slice(-4)), ['OpenRoot', 'WriteFile', 'Ready', 'WaitFifo']);
    for (const code of [Op.Exec, Op.ResolveExec, Op.Chdir, Op.CloseFds, Op.Setresuid]) t.same(ofCode(plan, code), [], Op[code]);
  });

  t.test('foreground: the helper waits for the init', async (t) => {
    const plan = compile(base(), { foreground: true });
    t.equal(ofCode(plan, Op.Clone)[0].args[1], 1);
    t.equal(plan.waitForInit, true);
  });
});

t.test('formatPlan numbers each step and says who takes it', async (t) => {
  const spec = base();
  spec.linux!.namespaces!.push({ type: 'time' });
  const plan = compile(spec);
  const lines = formatPlan(plan).split('\n');
  t.equal(lines.length, plan.ops.length);
  t.same(lines.slice(0, 6), [
    '  0  helper  create the exec fifo /run/tsrun/c1/exec.fifo    [exec fifo]',
    '  1  helper  wait for tsrun to make the container\'s cgroup    [linux.cgroupsPath]',
    `  2  helper  move the helper into ${V1_TASKS.join(', ')} (the init is born there); open /sys/fs/cgroup/unified/tsrun/c1 to clone the init into    [linux.cgroupsPath]`,
    '  3  helper  unshare a new time namespace for the init    [linux.namespaces[5]]',
    '  4  helper  clone the container init into new ipc, uts, network, pid, mount namespaces    [linux.namespaces]',
    '  5  init    join a new session keyring _ses.c1, not the caller\'s    [--no-new-keyring]',
  ]);
  lines.forEach((line, i) => {
    t.equal(line.slice(0, 3), String(i).padStart(3), `line ${i} is numbered`);
    t.equal(line.slice(5, 11), i <= 4 ? 'helper' : 'init  ', `line ${i} says who`);
    t.ok(line.endsWith(`[${plan.ops[i].field}]`), `line ${i} names the field`);
  });
  t.equal(lines.at(-1), ` ${plan.ops.length - 1}  init    execve ["sh","-c","true"]    [process.args]`);
});
