// Tests for linux.resources -> cgroup file writes (src/cgroups/resources*.ts,
// apply.ts) and the device eBPF program (devices-bpf.ts), without root:
// a fake probe or plain files in a temporary directory stand in for the
// cgroup files, and the BPF program runs in a small interpreter.
import t from 'tap';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { hostProbe, planResources, type CgroupLike } from '../../src/cgroups/apply';
import { deviceProgram, encodeProgram, runProgram } from '../../src/cgroups/devices-bpf';
import { cgroupDir, type CgroupLayout } from '../../src/cgroups/layout';
import { blkioToIoWeight, deviceRules, sharesToWeight, v1DeviceLine, v2Swap, type Probe, type Resources, type Step, type WriteStep } from '../../src/cgroups/resources';
import { memoryV1 } from '../../src/cgroups/resources-v1';

// A probe over a map of "dir/file" -> contents; controllers at fixed places.
function fakeProbe(files: Record<string, string>, where: Record<string, { version: 1 | 2; dir: string }>, unified?: string): Probe {
  return {
    locate: (c) => where[c],
    unifiedDir: () => unified,
    exists: (dir, file) => `${dir}/${file}` in files,
    read: (dir, file) => files[`${dir}/${file}`],
    missing: (c) => `the ${c} controller is not mounted on this host`,
  };
}

const writes = (steps: Step[]) => steps.map((s) => (s.kind === 'write' ? `${s.file}=${s.value}` : `bpf:${s.dir}`));

t.test('cpu shares to cpu.weight: minimum, default and maximum map onto each other', async (t) => {
  t.equal(sharesToWeight(2), 1);
  t.equal(sharesToWeight(1024), 100);
  t.equal(sharesToWeight(262144), 10000);
  t.equal(sharesToWeight(1), 1, 'below the range: the minimum');
  t.equal(sharesToWeight(1 << 20), 10000, 'above the range: the maximum');
  t.equal(sharesToWeight(512), 59);
  t.equal(sharesToWeight(2048), 174);
});

t.test('swap on v2 is swap alone: memory+swap minus memory', async (t) => {
  t.equal(v2Swap(200, 100), '100');
  t.equal(v2Swap(100, 100), '0', 'equal: no swap');
  t.equal(v2Swap(-1, 100), 'max');
  t.equal(v2Swap(undefined, -1), 'max', 'unlimited memory without swap: unlimited swap');
  t.equal(v2Swap(0, 100), undefined, 'zero: left as it is');
  t.equal(v2Swap(500, -1), '500', 'unlimited memory: swap as given');
  t.throws(() => v2Swap(50, 100), /memory plus swap \(50\) must not be less than the memory limit \(100\)/);
  t.throws(() => v2Swap(50, undefined), /needs a memory limit/);
});

t.test('v1 memory and memsw: the order keeps limit <= memsw at every step', async (t) => {
  const dir = '/cg/memory/c';
  const at = (memsw: string) => fakeProbe({ [`${dir}/memory.memsw.limit_in_bytes`]: memsw, [`${dir}/memory.limit_in_bytes`]: memsw }, {});
  const M64 = 64 << 20;
  t.same(writes(memoryV1({ limit: 2 * M64, swap: 4 * M64 }, dir, at(String(M64)))),
    [`memory.memsw.limit_in_bytes=${4 * M64}`, `memory.limit_in_bytes=${2 * M64}`], 'raising: memsw first');
  t.same(writes(memoryV1({ limit: M64 / 2, swap: M64 / 2 }, dir, at(String(M64)))),
    [`memory.limit_in_bytes=${M64 / 2}`, `memory.memsw.limit_in_bytes=${M64 / 2}`], 'lowering: the limit first');
  t.same(writes(memoryV1({ limit: M64, swap: 2 * M64 }, dir, at('9223372036854771712'))),
    [`memory.limit_in_bytes=${M64}`, `memory.memsw.limit_in_bytes=${2 * M64}`], 'from unlimited: the limit first');
  t.same(writes(memoryV1({ limit: -1 }, dir, at(String(M64)))),
    ['memory.memsw.limit_in_bytes=-1', 'memory.limit_in_bytes=-1'], 'unlimited memory: unlimited memsw too, first');
  t.same(writes(memoryV1({ limit: M64, reservation: M64 / 2, swappiness: 10, disableOOMKiller: true }, dir, at(String(M64)))),
    [`memory.limit_in_bytes=${M64}`, `memory.soft_limit_in_bytes=${M64 / 2}`, 'memory.swappiness=10', 'memory.oom_control=1']);
  t.same(writes(memoryV1({ limit: 0, reservation: 0, swap: 0, kernel: 0 }, dir, at(String(M64)))), [], 'zeros change nothing');
  t.throws(() => memoryV1({ limit: M64, swap: M64 / 2 }, dir, at(String(M64))), /memory\.swap: memory plus swap/);
  t.throws(() => memoryV1({ swap: M64 }, dir, fakeProbe({}, {})), /linux\.resources\.memory\.swap: memory\.memsw\.limit_in_bytes does not exist on this host/);
  t.same(writes(memoryV1({ kernel: M64 }, dir, fakeProbe({}, {}))), [], 'memory.kernel: deprecated, not written');
  t.throws(() => memoryV1({ kernelTCP: M64 }, dir, fakeProbe({}, {})), /linux\.resources\.memory\.kernelTCP: memory\.kmem\.tcp\.limit_in_bytes does not exist/);
  t.throws(() => memoryV1({ swappiness: 101 }, dir, at('1')), /swappiness: must be 0 to 100/);
});

t.test('device rules: deny all, the config in order, then the defaults', async (t) => {
  const rules = deviceRules({ devices: [{ allow: true, type: 'c', major: 10, minor: 229, access: 'rw' }] });
  t.same(rules.map(v1DeviceLine).slice(0, 4), ['a', 'c 10:229 rw', 'c *:* m', 'b *:* m']);
  t.same(rules.map((r) => r.field).slice(0, 3), ['linux.resources.devices', 'linux.resources.devices[0]', 'default devices']);
  t.ok(rules.some((r) => r.major === 1 && r.minor === 7), '/dev/full allowed by default');
  const listed = deviceRules({}, ['/dev/full']);
  t.notOk(listed.some((r) => r.major === 1 && r.minor === 7), 'a /dev/full in linux.devices has no default rule');
  t.throws(() => deviceRules({ devices: [{ allow: true, type: 'x' }] }), /devices\[0\]\.type: must be a, b or c/);
  t.throws(() => deviceRules({ devices: [{ allow: true, access: 'rwx' }] }), /devices\[0\]\.access: must be made of r, w and m/);
});

t.test('the device BPF program decides like the rule list', async (t) => {
  const prog = (res: Resources, paths: string[] = []) => encodeProgram(deviceProgram(deviceRules(res, paths)));
  const dflt = prog({});
  t.equal(runProgram(dflt, 'c', 1, 3, 'rw'), 1, '/dev/null');
  t.equal(runProgram(dflt, 'c', 136, 5, 'rw'), 1, 'a pts');
  t.equal(runProgram(dflt, 'c', 10, 229, 'rw'), 0, '/dev/fuse is not a default');
  t.equal(runProgram(dflt, 'c', 10, 229, 'm'), 1, 'mknod of any char device');
  t.equal(runProgram(dflt, 'b', 8, 0, 'r'), 0, 'block devices denied');
  t.equal(runProgram(dflt, 'b', 8, 0, 'm'), 1, 'mknod of block devices');

  const fuseR = prog({ devices: [{ allow: false, access: 'rwm' }, { allow: true, type: 'c', major: 10, minor: 229, access: 'r' }] });
  t.equal(runProgram(fuseR, 'c', 10, 229, 'r'), 1);
  t.equal(runProgram(fuseR, 'c', 10, 229, 'rw'), 0, 'read allowed, read-write not');
  t.equal(runProgram(fuseR, 'c', 10, 230, 'r'), 0);

  const split = prog({ devices: [{ allow: true, type: 'c', major: 10, minor: 229, access: 'r' }, { allow: true, type: 'c', major: 10, access: 'w' }] });
  t.equal(runProgram(split, 'c', 10, 229, 'rw'), 1, 'bits granted by two rules add up');

  const allowAll = prog({ devices: [{ allow: true, access: 'rwm' }, { allow: false, type: 'c', major: 1, minor: 7, access: 'w' }] }, ['/dev/full']);
  t.equal(runProgram(allowAll, 'b', 8, 0, 'rw'), 1, 'allow all');
  t.equal(runProgram(allowAll, 'c', 1, 7, 'r'), 1, '/dev/full readable');
  t.equal(runProgram(allowAll, 'c', 1, 7, 'w'), 0, '/dev/full not writable');

  const fullDenied = prog({ devices: [{ allow: false, type: 'c', major: 1, minor: 7, access: 'rwm' }] }, ['/dev/full']);
  t.equal(runProgram(fullDenied, 'c', 1, 7, 'w'), 0, 'a /dev/full listed in linux.devices can be denied');
  const fullDefault = prog({ devices: [{ allow: false, type: 'c', major: 1, minor: 7, access: 'rwm' }] });
  t.equal(runProgram(fullDefault, 'c', 1, 7, 'w'), 1, 'otherwise the default rule, last, allows it (as runc)');

  const code = deviceProgram(deviceRules({}));
  t.equal(code[code.length - 1].code, 0x95, 'ends with exit');
  t.equal(encodeProgram(code).length, code.length * 8);
});

// A host-like tree of plain files: hierarchies under a temporary directory.
function fakeHost(t: { teardown(fn: () => void): void }, mode: 'hybrid' | 'unified', files: Record<string, string>): CgroupLike {
  const top = mkdtempSync(join(tmpdir(), 'tsrun-cgfake-'));
  t.teardown(() => rmSync(top, { recursive: true, force: true }));
  const layout: CgroupLayout = mode === 'unified'
    ? { mode, hierarchies: [{ version: 2, mountPoint: join(top, 'unified'), controllers: [], root: '/' }] }
    : {
      mode,
      hierarchies: [
        ...['cpu', 'cpuset', 'memory', 'pids', 'blkio', 'devices'].map((c) => ({ version: 1 as const, mountPoint: join(top, c), controllers: [c], root: '/' })),
        { version: 2, mountPoint: join(top, 'unified'), controllers: [], root: '/' },
      ],
    };
  for (const [rel, text] of Object.entries(files)) {
    const p = join(top, rel);
    mkdirSync(join(p, '..'), { recursive: true });
    writeFileSync(p, text);
  }
  const path = '/tsrun/c';
  return {
    layout, path, made: new Set(),
    dir: (h) => cgroupDir(h, path),
    unifiedDir: () => cgroupDir(layout.hierarchies.find((h) => h.version === 2)!, path),
  };
}

const stepFiles = (steps: Step[], top: string) => steps.map((s) => (s.kind === 'write' ? `${s.dir.slice(top.length)}/${s.file}=${s.value}` : `bpf ${s.dir.slice(top.length)}`));

t.test('hybrid host: v1 files, cgroup2 only where it has the controller', async (t) => {
  const cg = fakeHost(t, 'hybrid', {
    'memory/tsrun/c/memory.limit_in_bytes': '9223372036854771712', 'memory/tsrun/c/memory.memsw.limit_in_bytes': '9223372036854771712',
    'cpu/tsrun/c/cpu.shares': '1024', 'blkio/tsrun/c/blkio.bfq.weight': '100', 'blkio/tsrun/c/blkio.throttle.read_bps_device': '',
    'unified/cgroup.controllers': 'hugetlb', 'unified/cgroup.subtree_control': '', 'unified/tsrun/cgroup.controllers': '',
    'unified/tsrun/c/cgroup.controllers': '', 'unified/tsrun/c/cgroup.max.depth': 'max',
  });
  const top = cg.layout.hierarchies[0].mountPoint.replace(/\/cpu$/, '');
  const p = hostProbe(cg);
  const steps = planResources({
    memory: { limit: 1 << 26, swap: 1 << 27 }, cpu: { shares: 512, quota: 50000, period: 100000, cpus: '0' }, pids: { limit: 0 },
    blockIO: { weight: 300, throttleReadBpsDevice: [{ major: 254, minor: 0, rate: 1000 }] }, unified: { 'cgroup.max.depth': '3' },
    devices: [{ allow: true, type: 'c', major: 10, minor: 229, access: 'rwm' }],
  }, p, { configDevicePaths: [] });
  const lines = stepFiles(steps, top);
  t.same(lines.slice(0, 3), ['/devices/tsrun/c/devices.deny=a', '/devices/tsrun/c/devices.allow=c 10:229 rwm', '/devices/tsrun/c/devices.allow=c *:* m']);
  t.same(lines.slice(12), [
    '/cpuset/tsrun/c/cpuset.cpus=0',
    '/cpu/tsrun/c/cpu.shares=512', '/cpu/tsrun/c/cpu.cfs_period_us=100000', '/cpu/tsrun/c/cpu.cfs_quota_us=50000',
    `/memory/tsrun/c/memory.limit_in_bytes=${1 << 26}`, `/memory/tsrun/c/memory.memsw.limit_in_bytes=${1 << 27}`,
    '/pids/tsrun/c/pids.max=0',
    '/blkio/tsrun/c/blkio.bfq.weight=300', '/blkio/tsrun/c/blkio.throttle.read_bps_device=254:0 1000',
    '/unified/tsrun/c/cgroup.max.depth=3',
  ]);
  t.throws(() => planResources({ hugepageLimits: [{ pageSize: '2MB', limit: 1 << 21 }] }, p, { update: true }),
    /linux\.resources\.hugepageLimits: the hugetlb controller is not mounted on this host, and cgroup2 has it but .*unified\/cgroup\.subtree_control does not enable it/);
  t.throws(() => planResources({ blockIO: { leafWeight: 10 } }, p, { update: true }), /^linux\.resources\.blockIO\.leafWeight: blkio\.leaf_weight does not exist on this host$/);
  t.throws(() => planResources({ network: { classID: 1 } }, p, { update: true }), /^linux\.resources\.network\.classID: the net_cls controller is not mounted on this host$/);
  t.throws(() => planResources({ unified: { 'memory.max': '1' } }, p, { update: true }), /unified\["memory\.max"\]: the memory controller is not enabled in this container's cgroup2 directory/);
  t.throws(() => planResources({ unified: { 'cgroup.procs': '1' } }, p, { update: true }), /moves processes/);
  t.throws(() => planResources({ unified: { '../x': '1' } }, p, { update: true }), /not the name of a cgroup file/);
  t.same(planResources({ memory: { limit: 0, reservation: 0, swap: 0, kernel: 0 }, cpu: { shares: 0, quota: 0, period: 0 }, blockIO: { weight: 0 } }, p, { update: true }), [],
    'dockerd\'s zeros change nothing');
});

t.test('unified host: cgroup2 files and a device program', async (t) => {
  const c = 'unified/tsrun/c';
  const cg = fakeHost(t, 'unified', {
    [`${c}/cgroup.controllers`]: 'cpuset cpu io memory hugetlb pids', [`${c}/memory.swap.max`]: 'max', [`${c}/io.weight`]: 'default 100',
    [`${c}/io.max`]: '', [`${c}/cpu.max.burst`]: '0', [`${c}/hugetlb.2MB.max`]: 'max', [`${c}/hugetlb.2MB.rsvd.max`]: 'max', [`${c}/memory.high`]: 'max',
  });
  const top = cg.layout.hierarchies[0].mountPoint.replace(/\/unified$/, '');
  const p = hostProbe(cg);
  const steps = planResources({
    memory: { limit: 100, swap: 300, reservation: 50 }, cpu: { shares: 1024, quota: 20000, period: 100000, burst: 1000, mems: '0' },
    pids: { limit: -1 }, blockIO: { weight: 1000, weightDevice: [{ major: 8, minor: 0, weight: 10 }], throttleWriteIOPSDevice: [{ major: 8, minor: 0, rate: 30 }] },
    hugepageLimits: [{ pageSize: '2MB', limit: 2 << 20 }], unified: { 'memory.high': '90' },
  }, p);
  t.same(stepFiles(steps, top), [
    `bpf /${c}`,
    `/${c}/cpuset.mems=0`,
    `/${c}/cpu.weight=100`, `/${c}/cpu.max=20000 100000`, `/${c}/cpu.max.burst=1000`,
    `/${c}/memory.max=100`, `/${c}/memory.swap.max=200`, `/${c}/memory.low=50`,
    `/${c}/pids.max=max`,
    `/${c}/io.weight=default 10000`, `/${c}/io.weight=8:0 1`, `/${c}/io.max=8:0 wiops=30`,
    `/${c}/hugetlb.2MB.max=2097152`, `/${c}/hugetlb.2MB.rsvd.max=2097152`,
    `/${c}/memory.high=90`,
  ]);
  t.throws(() => planResources({ cpu: { realtimeRuntime: 1000 } }, p, { update: true }), /cpu\.realtimeRuntime: cgroup v2 has no realtime cpu budget/);
  t.throws(() => planResources({ memory: { disableOOMKiller: true } }, p, { update: true }), /disableOOMKiller: cgroup v2 cannot turn the OOM killer off/);
  t.throws(() => planResources({ network: { classID: 1 } }, p, { update: true }), /net_cls controller is not mounted on this host \(cgroup v2 has no net_cls controller\)/);
  t.throws(() => planResources({ hugepageLimits: [{ pageSize: '64KB', limit: 1 }] }, p, { update: true }), /hugepageLimits\[0\]\.pageSize: hugetlb\.64KB\.max does not exist on this host/);
  t.throws(() => planResources({ unified: { 'rdma.max': 'x' } }, p, { update: true }), /the rdma controller is not enabled/);
  const quotaOnly = planResources({ cpu: { period: 50000 } }, p, { update: true }) as WriteStep[];
  t.equal(quotaOnly[0].value, 'max 50000', 'a period alone: no quota');
});

t.test('blkio weight to io.weight', async (t) => {
  t.equal(blkioToIoWeight(10), 1);
  t.equal(blkioToIoWeight(300), 2930);
  t.equal(blkioToIoWeight(1000), 10000);
});
