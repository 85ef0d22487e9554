// linux.resources in real containers: each value read back from the host's
// cgroup files and from inside the container (cgroup namespace and mount),
// limits enforced (an OOM kill, a refused fork, a refused device open), and
// a resource the host cannot provide refused naming the field, with nothing
// left behind. The same tests run on this (v1/hybrid) host and in the
// cgroup-v2 guest (npm run test:cgroup-v2); expectations follow the mode.
import t, { type Test } from 'tap';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { baseSpec, cgroupDirsOf, processesOf, uniqueId, waitForStatus, type Bundle } from '../lib/tsrun';
import { LAYOUT, V2, hostDir, insidePath, makeCgBundle, readCg, someBlockDevice, unifiedHostDir, withCgroupMount } from '../lib/cgroups';
import type { Resources } from '../../src/cgroups/resources';
import type { Spec } from '../../src/spec/types';

const MiB = 1 << 20;

// A container whose script writes its output to /out in the rootfs. It is
// created, `whileCreated` runs (the cgroup is set up, no user code ran
// yet), then it is started and runs to its end; its cgroup stays until
// the bundle's cleanup deletes it.
async function runScript(t: Test, script: string, res: Resources, edit?: (s: Spec) => void, whileCreated?: (id: string) => void): Promise<{ b: Bundle; id: string; out: string }> {
  const spec = withCgroupMount(baseSpec(['sh', '-c', `(${script}) >/out 2>&1`]));
  spec.linux!.resources = res as Record<string, unknown>;
  edit?.(spec);
  const b = makeCgBundle(t, spec);
  const id = uniqueId('res');
  const created = b.run(['create', '-b', b.dir, id]);
  t.equal(created.status, 0, `create: ${created.stderr}`);
  if (created.status !== 0) return { b, id, out: '' };
  whileCreated?.(id);
  t.equal(b.run(['start', id]).status, 0, 'start');
  await waitForStatus(b, id, 'stopped', 60_000);
  return { b, id, out: readFileSync(join(b.rootfs, 'out'), 'utf8') };
}

// [controller, file, expected] for each value, per mode.
type Check = [string, string, string];

function checkValues(t: Test, id: string, checks: Check[], inside: string): void {
  const lines = inside.trim().split('\n');
  checks.forEach(([controller, file, want], i) => {
    t.equal(readCg(id, controller, file), want, `host: ${file}`);
    t.equal(lines[i], want, `inside: ${insidePath(controller, file)}`);
  });
}

const catAll = (checks: Check[]) => checks.map(([c, f]) => `cat ${insidePath(c, f)}`).join('; ');

t.test('memory, cpu, cpuset and pids: read back on the host and inside', async (t) => {
  const res: Resources = {
    memory: { limit: 64 * MiB, reservation: 32 * MiB, swap: 96 * MiB },
    cpu: { shares: 512, quota: 50000, period: 100000, cpus: '0', mems: '0' },
    pids: { limit: 50 },
  };
  const checks: Check[] = V2
    ? [
      ['memory', 'memory.max', String(64 * MiB)], ['memory', 'memory.low', String(32 * MiB)], ['memory', 'memory.swap.max', String(32 * MiB)],
      ['cpu', 'cpu.weight', '59'], ['cpu', 'cpu.max', '50000 100000'],
      ['cpuset', 'cpuset.cpus', '0'], ['cpuset', 'cpuset.mems', '0'], ['pids', 'pids.max', '50'],
    ]
    : [
      ['memory', 'memory.limit_in_bytes', String(64 * MiB)], ['memory', 'memory.soft_limit_in_bytes', String(32 * MiB)],
      ['memory', 'memory.memsw.limit_in_bytes', String(96 * MiB)],
      ['cpu', 'cpu.shares', '512'], ['cpu', 'cpu.cfs_quota_us', '50000'], ['cpu', 'cpu.cfs_period_us', '100000'],
      ['cpuset', 'cpuset.cpus', '0'], ['cpuset', 'cpuset.mems', '0'], ['pids', 'pids.max', '50'],
    ];
  let before: string[] = [];
  const { out } = await runScript(t, catAll(checks), res, undefined, (id) => {
    before = checks.map(([c, f]) => readCg(id, c, f));
  });
  t.same(before, checks.map((c) => c[2]), 'set before the process ran');
  t.equal(out.trim().split('\n').length, checks.length, out);
  t.same(out.trim().split('\n'), checks.map((c) => c[2]), 'inside: the container sees its own values');
});

// A v1 host has blkio weights only with the BFQ (blkio.bfq.weight) or CFQ
// (blkio.weight) I/O scheduler.
function v1BlkioWeightFile(): string | undefined {
  const blkio = LAYOUT.hierarchies.find((h) => h.version === 1 && h.controllers.includes('blkio'));
  return blkio && ['blkio.bfq.weight', 'blkio.weight'].find((f) => existsSync(join(blkio.mountPoint, f)));
}

t.test('more of each controller, as this host has them', async (t) => {
  const dev = someBlockDevice();
  const weightFile = V2 ? 'io.weight' : v1BlkioWeightFile();
  const res: Resources = V2
    ? {
      memory: { limit: 64 * MiB },
      cpu: { quota: 10000, period: 100000, burst: 1000, idle: 1 },
      unified: { 'memory.high': String(50_000_000) },
      blockIO: { weight: 300, ...(dev ? { throttleReadBpsDevice: [{ ...dev, rate: 1_000_000 }], throttleWriteIOPSDevice: [{ ...dev, rate: 300 }] } : {}) },
    }
    : {
      memory: { limit: 64 * MiB, kernelTCP: 16 * MiB, swappiness: 10, disableOOMKiller: true },
      cpu: { quota: 10000, period: 100000, burst: 1000, idle: 1, realtimePeriod: 500000 },
      blockIO: { ...(weightFile ? { weight: 300 } : {}), ...(dev ? { throttleReadBpsDevice: [{ ...dev, rate: 1_000_000 }], throttleWriteIOPSDevice: [{ ...dev, rate: 300 }] } : {}) },
      ...(unifiedHostDir('x') ? { unified: { 'cgroup.max.descendants': '5' } } : {}),
    };
  const checks: Check[] = V2
    ? [
      ['memory', 'memory.high', '49999872'], ['cpu', 'cpu.max', '10000 100000'], ['cpu', 'cpu.max.burst', '1000'], ['cpu', 'cpu.idle', '1'],
      // blkio's 10..1000 is io.weight's 1..10000 (io.bfq.weight would take 300 as is).
      ['blkio', 'io.weight', 'default 2930'],
    ]
    : [
      ['memory', 'memory.kmem.tcp.limit_in_bytes', String(16 * MiB)], ['memory', 'memory.swappiness', '10'],
      ['cpu', 'cpu.cfs_burst_us', '1000'], ['cpu', 'cpu.idle', '1'], ['cpu', 'cpu.rt_period_us', '500000'],
      ...(weightFile ? [['blkio', weightFile, '300'] as Check] : []),
    ];
  if (dev) {
    const d = `${dev.major}:${dev.minor}`;
    checks.push(V2
      ? ['blkio', 'io.max', `${d} rbps=1000000 wbps=max riops=max wiops=300`]
      : ['blkio', 'blkio.throttle.read_bps_device', `${d} 1000000`]);
  }
  const { id, out } = await runScript(t, catAll(checks), res);
  checkValues(t, id, checks, out);
  if (!V2) t.match(readCg(id, 'memory', 'memory.oom_control'), /^oom_kill_disable 1$/m, 'the OOM killer is off');
  if (!V2 && res.unified) t.equal(readFileSync(join(unifiedHostDir(id)!, 'cgroup.max.descendants'), 'utf8').trim(), '5', 'unified: a cgroup2 core file on a hybrid host');
  if (!dev) t.comment('no block device on this host: throttling not checked');
  if (!weightFile) t.comment('no blkio weight on this host (neither BFQ nor CFQ): blockIO.weight not checked');
});

t.test('hugepageLimits: the hugetlb controller where the host has it', async (t) => {
  const res: Resources = { hugepageLimits: [{ pageSize: '2MB', limit: 4 * MiB }] };
  const hasHugetlb = V2 || LAYOUT.hierarchies.some((h) => h.version === 1 && h.controllers.includes('hugetlb'));
  if (!hasHugetlb) {
    // Hybrid like these machines: hugetlb only in cgroup2, whose root does not pass it down.
    const b = makeCgBundle(t, baseSpec(['true']));
    b.spec.linux!.resources = res as Record<string, unknown>;
    b.write();
    const id = uniqueId('huge');
    const r = b.run(['create', '-b', b.dir, id]);
    t.not(r.status, 0);
    t.match(r.stderr, /linux\.resources\.hugepageLimits: the hugetlb controller is not mounted on this host/);
    for (const d of cgroupDirsOf(id)) t.notOk(existsSync(d), `no cgroup left at ${d}`);
    return;
  }
  const file = V2 ? 'hugetlb.2MB.max' : 'hugetlb.2MB.limit_in_bytes';
  const { id, out } = await runScript(t, `cat ${insidePath('hugetlb', file)}`, res);
  checkValues(t, id, [['hugetlb', file, String(4 * MiB)]], out);
  const rsvd = V2 ? 'hugetlb.2MB.rsvd.max' : 'hugetlb.2MB.rsvd.limit_in_bytes';
  if (existsSync(join(hostDir(id, 'hugetlb'), rsvd))) t.equal(readCg(id, 'hugetlb', rsvd), String(4 * MiB), 'the reservation limit too');
});

t.test('a memory limit is enforced: the process that exceeds it is OOM-killed and counted', async (t) => {
  const memswFile = V2 ? 'memory.swap.max' : 'memory.memsw.limit_in_bytes';
  const res: Resources = { memory: { limit: 32 * MiB, swap: 32 * MiB } };
  const oomFile = V2 ? 'memory.events' : 'memory.oom_control';
  // dd allocates its 64 MiB block and fills it: twice the limit.
  const { id, out } = await runScript(t, `dd if=/dev/zero of=/dev/null bs=64M count=1; echo dd=$?; cat ${insidePath('memory', oomFile)}`, res);
  t.match(out, /^dd=137$/m, 'dd was killed (SIGKILL)');
  t.match(out, /^oom_kill [1-9]/m, 'inside: the kill is counted');
  t.match(readCg(id, 'memory', oomFile), /^oom_kill [1-9]/m, 'host: the kill is counted');
  if (existsSync(join(hostDir(id, 'memory'), memswFile))) t.equal(readCg(id, 'memory', memswFile), V2 ? '0' : String(32 * MiB), 'no swap to escape to');
});

t.test('pids.max stops forks', async (t) => {
  const { id, out } = await runScript(t, 'for i in 1 2 3 4 5 6 7 8; do sleep 30 & done; echo forked all', { pids: { limit: 5 } });
  t.match(out, /can't fork: Resource temporarily unavailable/);
  t.notMatch(out, /forked all/);
  t.equal(readCg(id, 'pids', 'pids.max'), '5');
  t.match(readCg(id, 'pids', 'pids.events'), /^max [1-9]/m, 'the refused forks are counted');
});

t.test('pids.limit 0 is a limit (runtime-spec), -1 is none', async (t) => {
  for (const [limit, want] of [[0, '0'], [-1, 'max']] as const) {
    const b = makeCgBundle(t, baseSpec(['true']));
    b.spec.linux!.resources = { pids: { limit } };
    b.write();
    const id = uniqueId('pids0');
    t.equal(b.run(['create', '-b', b.dir, id]).status, 0);
    t.equal(readCg(id, 'pids', 'pids.max'), want, `limit ${limit}`);
  }
});

t.test('device rules: the defaults, a denied /dev/full, a read-only /dev/fuse', async (t) => {
  const tries = '"</dev/fuse" ">/dev/fuse" "</dev/full" ">/dev/full" ">/dev/null" "</dev/zero"';
  const script = `for x in ${tries}; do (eval "true $x") 2>&1 | sed 's/.*: //' | grep . || echo ok; done`;
  const fuse = { path: '/dev/fuse', type: 'c' as const, major: 10, minor: 229, fileMode: 0o666 };
  // No rules in the config: only the default devices.
  const plain = await runScript(t, script, {}, (s) => { s.linux!.devices = [fuse]; });
  t.same(plain.out.trim().split('\n'), ['Operation not permitted', 'Operation not permitted', 'ok', 'ok', 'ok', 'ok'], 'fuse is not a default device');
  // /dev/full listed in linux.devices: its rule is the config's, which denies it; fuse readable only.
  const ruled = await runScript(t, script, {
    devices: [{ allow: false, type: 'c', major: 1, minor: 7, access: 'rwm' }, { allow: true, type: 'c', major: 10, minor: 229, access: 'r' }],
  }, (s) => { s.linux!.devices = [fuse, { path: '/dev/full', type: 'c', major: 1, minor: 7, fileMode: 0o666 }]; });
  t.same(ruled.out.trim().split('\n'), ['ok', 'Operation not permitted', 'Operation not permitted', 'Operation not permitted', 'ok', 'ok']);
  if (!V2) t.match(readCg(ruled.id, 'devices', 'devices.list'), /^c 10:229 r$/m, 'host: devices.list');
});

t.test('a resource the host cannot provide: an error naming it, nothing left behind', async (t) => {
  const cases: [Resources, RegExp][] = [
    [{ network: { classID: 0x100001 } }, /linux\.resources\.network\.classID: the net_cls controller is not mounted on this host/],
    [{ blockIO: { leafWeight: 500 } }, V2 ? /linux\.resources\.blockIO\.leafWeight: cgroup v2 has no leaf weight/ : /linux\.resources\.blockIO\.leafWeight: blkio\.leaf_weight does not exist on this host/],
    [{ memory: { limit: 64 * MiB }, cpu: { realtimeRuntime: 10000 } }, V2 ? /linux\.resources\.cpu\.realtimeRuntime: cgroup v2 has no realtime cpu budget/ : /linux\.resources\.cpu\.realtimeRuntime: cannot write "10000" to \S+cpu\.rt_runtime_us: invalid argument/],
    [{ unified: { 'nosuch.file': '1' } }, /linux\.resources\.unified\["nosuch\.file"\]: the nosuch controller is not enabled/],
  ];
  // Per-device io.weight needs the io cost model (or bfq) switched on for that device.
  const dev = someBlockDevice();
  if (V2 && dev) cases.push([{ blockIO: { weightDevice: [{ ...dev, weight: 500 }] } }, /linux\.resources\.blockIO\.weightDevice\[0\]\.weight: cannot write "\d+:\d+ 4950" to \S+io\.weight: not supported \(a per-device io\.weight needs/]);
  for (const [res, want] of cases) {
    const b = makeCgBundle(t, baseSpec(['true']));
    b.spec.linux!.resources = res as Record<string, unknown>;
    b.write();
    const id = uniqueId('nohost');
    const r = b.run(['create', '-b', b.dir, id]);
    t.not(r.status, 0, JSON.stringify(res));
    t.match(r.stderr, want);
    for (const d of cgroupDirsOf(id)) t.notOk(existsSync(d), `no cgroup left at ${d}`);
    t.notOk(existsSync(join(b.root, id)), 'no state dir left');
    t.same(processesOf(b), [], 'no process of the container left');
  }
});

t.test('memory.kernel, deprecated: a warning, and the container runs', async (t) => {
  const b = makeCgBundle(t, baseSpec(['true']));
  b.spec.linux!.resources = { memory: { limit: 64 * MiB, kernel: 32 * MiB } };
  b.write();
  const r = b.run(['run', '-b', b.dir, uniqueId('kmem')]);
  t.equal(r.status, 0, r.stderr);
  t.match(r.stderr, /linux\.resources\.memory\.kernel is deprecated and not applied/);
});
