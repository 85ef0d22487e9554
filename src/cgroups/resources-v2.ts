// linux.resources on cgroup2 (Documentation/admin-guide/cgroup-v2.rst):
// the v1-shaped fields of runtime-spec converted to the unified files.
import {
  blkioToIoWeight, cannot, maxOr, sharesToWeight, v2Swap, write,
  type BlockIO, type Cpu, type Memory, type Probe, type Step,
} from './resources';

const M = 'linux.resources.memory';
const C = 'linux.resources.cpu';
const B = 'linux.resources.blockIO';

export function memoryV2(m: Memory, dir: string, p: Probe, update: boolean): Step[] {
  const steps: Step[] = [];
  if (m.kernelTCP) throw cannot(`${M}.kernelTCP`, 'cgroup v2 has no kernel TCP memory limit');
  if (m.swappiness !== undefined) throw cannot(`${M}.swappiness`, 'cgroup v2 has no per-cgroup swappiness');
  if (m.disableOOMKiller) throw cannot(`${M}.disableOOMKiller`, 'cgroup v2 cannot turn the OOM killer off');
  // checkBeforeUpdate: v1's kernel refuses a limit below the usage; v2's
  // would OOM-kill instead, so the usage is checked first when asked.
  if (update && m.checkBeforeUpdate && m.limit && m.limit > 0) {
    const current = Number(p.read(dir, 'memory.current') ?? 0);
    if (current > m.limit) throw cannot(`${M}.limit`, `the usage (${current}) is above the new limit (${m.limit}) and checkBeforeUpdate is set`);
  }
  const swap = v2Swap(m.swap, m.limit);
  if (m.limit) steps.push(write(`${M}.limit`, dir, 'memory.max', maxOr(m.limit)));
  if (swap !== undefined) {
    if (!p.exists(dir, 'memory.swap.max')) {
      if (swap !== 'max') throw cannot(`${M}.swap`, 'memory.swap.max does not exist on this host (no swap accounting)');
    } else {
      steps.push(write(`${M}.swap`, dir, 'memory.swap.max', swap));
    }
  }
  if (m.reservation) steps.push(write(`${M}.reservation`, dir, 'memory.low', maxOr(m.reservation)));
  return steps;
}

export function cpuV2(c: Cpu, dir: string, p: Probe): Step[] {
  const steps: Step[] = [];
  if (c.realtimePeriod || c.realtimeRuntime) {
    throw cannot(`${C}.${c.realtimeRuntime ? 'realtimeRuntime' : 'realtimePeriod'}`, 'cgroup v2 has no realtime cpu budget');
  }
  if (c.shares) steps.push(write(`${C}.shares`, dir, 'cpu.weight', sharesToWeight(c.shares)));
  // cpu.max is "QUOTA PERIOD", QUOTA "max" for none.
  if (c.quota || c.period) {
    const quota = c.quota && c.quota > 0 ? String(c.quota) : 'max';
    steps.push(write(c.quota ? `${C}.quota` : `${C}.period`, dir, 'cpu.max', c.period ? `${quota} ${c.period}` : quota, { group: 'cfs' }));
  }
  if (c.burst !== undefined) {
    if (!p.exists(dir, 'cpu.max.burst')) throw cannot(`${C}.burst`, 'cpu.max.burst does not exist on this host');
    steps.push(write(`${C}.burst`, dir, 'cpu.max.burst', c.burst, { group: 'cfs' }));
  }
  if (c.idle !== undefined) {
    if (!p.exists(dir, 'cpu.idle')) throw cannot(`${C}.idle`, 'cpu.idle does not exist on this host');
    steps.push(write(`${C}.idle`, dir, 'cpu.idle', c.idle));
  }
  return steps;
}

// io.bfq.weight takes blkio's 1..1000 as is; io.weight is 1..10000.
export function ioV2(b: BlockIO, dir: string, p: Probe): Step[] {
  const steps: Step[] = [];
  const bfq = p.exists(dir, 'io.bfq.weight');
  const plain = p.exists(dir, 'io.weight');
  const weightFile = (field: string) => {
    if (bfq) return 'io.bfq.weight';
    if (plain) return 'io.weight';
    throw cannot(field, 'neither io.bfq.weight nor io.weight exists on this host');
  };
  const weight = (w: number) => (bfq ? w : blkioToIoWeight(w));
  if (b.leafWeight) throw cannot(`${B}.leafWeight`, 'cgroup v2 has no leaf weight');
  if (b.weight) steps.push(write(`${B}.weight`, dir, weightFile(`${B}.weight`), `default ${weight(b.weight)}`));
  (b.weightDevice ?? []).forEach((d, i) => {
    const f = `${B}.weightDevice[${i}]`;
    if (d.leafWeight) throw cannot(`${f}.leafWeight`, 'cgroup v2 has no leaf weight');
    const hint = 'a per-device io.weight needs the io cost model (io.cost.qos) or the bfq scheduler on that device';
    const hints = { ENOTSUP: hint, EOPNOTSUPP: hint };
    if (d.weight) steps.push(write(`${f}.weight`, dir, weightFile(`${f}.weight`), `${d.major}:${d.minor} ${weight(d.weight)}`, { hints }));
  });
  const keys: [keyof BlockIO, string][] = [
    ['throttleReadBpsDevice', 'rbps'], ['throttleWriteBpsDevice', 'wbps'], ['throttleReadIOPSDevice', 'riops'], ['throttleWriteIOPSDevice', 'wiops'],
  ];
  for (const [key, name] of keys) {
    const list = (b[key] ?? []) as { major: number; minor: number; rate: number }[];
    list.forEach((d, i) => {
      const f = `${B}.${key}[${i}]`;
      if (!p.exists(dir, 'io.max')) throw cannot(f, 'io.max does not exist on this host');
      steps.push(write(f, dir, 'io.max', `${d.major}:${d.minor} ${name}=${d.rate === 0 ? 'max' : d.rate}`));
    });
  }
  return steps;
}
