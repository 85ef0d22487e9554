// linux.resources on cgroup v1 controllers (hybrid and legacy hosts): the
// files each field is written to, in the order the kernel accepts them.
// Kernel documentation: Documentation/admin-guide/cgroup-v1/*.rst.
import {
  cannot, v1DeviceLine, write, maxOr, pageSizeOk,
  type BlockIO, type Cpu, type FieldRule, type Memory, type Probe, type Resources, type Step, type WriteStep,
} from './resources';

const M = 'linux.resources.memory';
const C = 'linux.resources.cpu';
const B = 'linux.resources.blockIO';

// v1's "no limit": a page-rounded 2^63-1; -1 reads back as that.
function bytes(text: string | undefined): bigint {
  const t = (text ?? '').trim();
  return /^\d+$/.test(t) ? BigInt(t) : BigInt('9223372036854771712');
}

// memory.limit_in_bytes must never exceed memory.memsw.limit_in_bytes: the
// kernel refuses a write that would break that, so the order of the two
// writes depends on where the values are now and where they go.
export function memoryV1(m: Memory, dir: string, p: Probe): Step[] {
  const steps: Step[] = [];
  const limit = m.limit ?? 0;
  let swap = m.swap ?? 0;
  const memsw = p.exists(dir, 'memory.memsw.limit_in_bytes');
  // Unlimited memory without a swap value: unlimited swap too (as runc).
  if (limit === -1 && !swap && memsw) swap = -1;
  if (swap && !memsw) {
    if (swap !== -1) throw cannot(`${M}.swap`, 'memory.memsw.limit_in_bytes does not exist on this host (swap accounting is off)');
    swap = 0;
  }
  if (limit > 0 && swap > 0 && swap < limit) {
    throw cannot(`${M}.swap`, `memory plus swap (${swap}) must not be less than the memory limit (${limit})`);
  }
  const lim = write(`${M}.limit`, dir, 'memory.limit_in_bytes', limit, {
    hints: { EBUSY: 'the container uses more memory than that', EINVAL: 'it must not exceed memory plus swap; set the swap limit too' },
  });
  const sw = write(`${M}.swap`, dir, 'memory.memsw.limit_in_bytes', swap, { hints: { EBUSY: 'the container uses more than that' } });
  if (limit && swap) {
    // Lowering (or a new limit within today's memsw): the limit first; raising past it: memsw first.
    const limitFirst = limit !== -1 && BigInt(limit) <= bytes(p.read(dir, 'memory.memsw.limit_in_bytes'));
    steps.push(...(limitFirst ? [lim, sw] : [sw, lim]));
  } else if (limit) {
    steps.push(lim);
  } else if (swap) {
    steps.push(sw);
  }
  if (m.reservation) steps.push(write(`${M}.reservation`, dir, 'memory.soft_limit_in_bytes', m.reservation));
  // memory.kernel is deprecated and not written (spec/unsupported.ts warns).
  // The TCP buffer limit still works; read back in case a kernel ignores it.
  if (m.kernelTCP) {
    const field = `${M}.kernelTCP`;
    const file = 'memory.kmem.tcp.limit_in_bytes';
    if (!p.exists(dir, file)) throw cannot(field, `${file} does not exist on this host`);
    const value = m.kernelTCP;
    const expect = value === -1 ? undefined : (back: string) => /^\d+$/.test(back) && BigInt(back) <= BigInt(value);
    steps.push(write(field, dir, file, value, { expect, expectWhy: 'this kernel ignores the limit' }));
  }
  if (m.swappiness !== undefined) {
    if (!(m.swappiness >= 0 && m.swappiness <= 100)) throw cannot(`${M}.swappiness`, `must be 0 to 100, not ${m.swappiness}`);
    steps.push(write(`${M}.swappiness`, dir, 'memory.swappiness', m.swappiness));
  }
  if (m.disableOOMKiller) steps.push(write(`${M}.disableOOMKiller`, dir, 'memory.oom_control', 1));
  // useHierarchy: always on in kernels since 5.x (writing 0 fails); ignored, as runc does.
  return steps;
}

export function cpuV1(c: Cpu, dir: string, p: Probe): Step[] {
  const steps: Step[] = [];
  if (c.shares) {
    steps.push(write(`${C}.shares`, dir, 'cpu.shares', c.shares, { expect: (b) => b === String(c.shares), expectWhy: 'cpu.shares is 2 to 262144' }));
  }
  // Period and quota (and burst, which must not exceed the quota) depend on
  // each other's current values: a write refused for that is retried after the others.
  if (c.period) steps.push(write(`${C}.period`, dir, 'cpu.cfs_period_us', c.period, { group: 'cfs' }));
  if (c.quota) steps.push(write(`${C}.quota`, dir, 'cpu.cfs_quota_us', c.quota < 0 ? -1 : c.quota, { group: 'cfs' }));
  if (c.burst !== undefined) {
    if (!p.exists(dir, 'cpu.cfs_burst_us')) throw cannot(`${C}.burst`, 'cpu.cfs_burst_us does not exist on this host');
    steps.push(write(`${C}.burst`, dir, 'cpu.cfs_burst_us', c.burst, { group: 'cfs' }));
  }
  if (c.realtimePeriod || c.realtimeRuntime) {
    if (!p.exists(dir, 'cpu.rt_runtime_us')) throw cannot(`${C}.realtimeRuntime`, 'cpu.rt_runtime_us does not exist on this host (the kernel has no RT group scheduling)');
  }
  if (c.realtimePeriod) steps.push(write(`${C}.realtimePeriod`, dir, 'cpu.rt_period_us', c.realtimePeriod, { group: 'rt' }));
  if (c.realtimeRuntime) {
    const hints = { EINVAL: 'the parent cgroups must have that much realtime budget in their cpu.rt_runtime_us' };
    steps.push(write(`${C}.realtimeRuntime`, dir, 'cpu.rt_runtime_us', c.realtimeRuntime, { group: 'rt', hints }));
  }
  if (c.idle !== undefined) {
    if (!p.exists(dir, 'cpu.idle')) throw cannot(`${C}.idle`, 'cpu.idle does not exist on this host');
    steps.push(write(`${C}.idle`, dir, 'cpu.idle', c.idle));
  }
  return steps;
}

// cpuset.cpus and cpuset.mems: the same files on v1 and v2.
export function cpusetSteps(c: Cpu, dir: string): Step[] {
  const steps: Step[] = [];
  if (c.cpus) steps.push(write(`${C}.cpus`, dir, 'cpuset.cpus', c.cpus));
  if (c.mems) steps.push(write(`${C}.mems`, dir, 'cpuset.mems', c.mems));
  return steps;
}

export function blkioV1(b: BlockIO, dir: string, p: Probe): Step[] {
  const steps: Step[] = [];
  // CFQ's blkio.weight when the kernel has it, else BFQ's blkio.bfq.weight (non-root cgroups only).
  const weightFile = p.exists(dir, 'blkio.weight') ? 'blkio.weight' : p.exists(dir, 'blkio.bfq.weight') ? 'blkio.bfq.weight' : undefined;
  const need = (field: string, file: string | undefined, name: string) => {
    if (!file) throw cannot(field, `${name} does not exist on this host`);
    return file;
  };
  if (b.weight) steps.push(write(`${B}.weight`, dir, need(`${B}.weight`, weightFile, 'blkio.weight'), b.weight));
  if (b.leafWeight) {
    steps.push(write(`${B}.leafWeight`, dir, need(`${B}.leafWeight`, p.exists(dir, 'blkio.leaf_weight') ? 'blkio.leaf_weight' : undefined, 'blkio.leaf_weight'), b.leafWeight));
  }
  (b.weightDevice ?? []).forEach((d, i) => {
    const f = `${B}.weightDevice[${i}]`;
    const dev = `${d.major}:${d.minor}`;
    if (d.weight) {
      const file = weightFile === 'blkio.weight' ? 'blkio.weight_device' : weightFile && 'blkio.bfq.weight_device';
      steps.push(write(`${f}.weight`, dir, need(`${f}.weight`, file, 'blkio.weight_device'), `${dev} ${d.weight}`));
    }
    if (d.leafWeight) {
      const file = p.exists(dir, 'blkio.leaf_weight_device') ? 'blkio.leaf_weight_device' : undefined;
      steps.push(write(`${f}.leafWeight`, dir, need(`${f}.leafWeight`, file, 'blkio.leaf_weight_device'), `${dev} ${d.leafWeight}`));
    }
  });
  const throttle: [keyof BlockIO, string][] = [
    ['throttleReadBpsDevice', 'blkio.throttle.read_bps_device'], ['throttleWriteBpsDevice', 'blkio.throttle.write_bps_device'],
    ['throttleReadIOPSDevice', 'blkio.throttle.read_iops_device'], ['throttleWriteIOPSDevice', 'blkio.throttle.write_iops_device'],
  ];
  for (const [key, file] of throttle) {
    const list = (b[key] ?? []) as { major: number; minor: number; rate: number }[];
    list.forEach((d, i) => {
      const f = `${B}.${key}[${i}]`;
      steps.push(write(f, dir, need(f, p.exists(dir, file) ? file : undefined, file), `${d.major}:${d.minor} ${d.rate}`));
    });
  }
  return steps;
}

// hugetlb.<size>.limit_in_bytes (v1) or hugetlb.<size>.max (v2), and the
// reservation limit where the kernel has it (rsvd: counted at mmap time).
export function hugetlbSteps(limits: NonNullable<Resources['hugepageLimits']>, version: 1 | 2, dir: string, p: Probe): Step[] {
  const [suffix, rsvd] = version === 1 ? ['limit_in_bytes', 'rsvd.limit_in_bytes'] : ['max', 'rsvd.max'];
  const steps: Step[] = [];
  limits.forEach((l, i) => {
    const f = `linux.resources.hugepageLimits[${i}]`;
    if (!pageSizeOk(l.pageSize)) throw cannot(`${f}.pageSize`, `must be a size like 2MB or 1GB, not ${JSON.stringify(l.pageSize)}`);
    const file = `hugetlb.${l.pageSize}.${suffix}`;
    if (!p.exists(dir, file)) throw cannot(`${f}.pageSize`, `${file} does not exist on this host (no ${l.pageSize} huge pages)`);
    steps.push(write(`${f}.limit`, dir, file, l.limit));
    const r = `hugetlb.${l.pageSize}.${rsvd}`;
    if (p.exists(dir, r)) steps.push(write(`${f}.limit`, dir, r, l.limit));
  });
  return steps;
}

export function pidsSteps(limit: number, dir: string): Step[] {
  return [write('linux.resources.pids.limit', dir, 'pids.max', maxOr(limit))];
}

// rdma.max: "mlx5_1 hca_handle=3 hca_object=10000", one line per device (v1 and v2).
export function rdmaSteps(rdma: NonNullable<Resources['rdma']>, dir: string): Step[] {
  return Object.entries(rdma).map(([dev, v]) => {
    const parts = [dev];
    if (v.hcaHandles !== undefined) parts.push(`hca_handle=${v.hcaHandles}`);
    if (v.hcaObjects !== undefined) parts.push(`hca_object=${v.hcaObjects}`);
    return write(`linux.resources.rdma.${dev}`, dir, 'rdma.max', parts.join(' '));
  });
}

// devices.deny "a" first (nothing allowed), then each rule in order.
export function devicesV1(rules: FieldRule[], dir: string): WriteStep[] {
  return rules.map((r) => write(r.field, dir, r.allow ? 'devices.allow' : 'devices.deny', v1DeviceLine(r)));
}
