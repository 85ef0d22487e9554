import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Cgroup } from './manager';

// A container's resource usage read from its cgroup files, shaped like the
// "data" of runc's `events --stats` (cpu, memory, pids, blkio, hugetlb), for
// v1 controllers and for cgroup2. Units as runc gives them: nanoseconds and
// bytes. A value the host does not provide is left out.
//
// Counters are 64-bit ("no limit" is 2^63-4096 on v1): a value past 2^53 is
// kept as a bigint and statsJson prints it exactly.

export type Num = number | bigint;

const SAFE = BigInt(Number.MAX_SAFE_INTEGER);
const norm = (b: bigint): Num => (b <= SAFE && b >= -SAFE ? Number(b) : b);
const add = (a: Num, b: Num): Num => norm(BigInt(a) + BigInt(b));
const mul = (a: Num, k: number): Num => norm(BigInt(a) * BigInt(k));

export function parseNum(text: string): Num | undefined {
  return /^-?\d+$/.test(text) ? norm(BigInt(text)) : undefined;
}

// JSON with bigints written as plain integers.
export function statsJson(value: unknown): string {
  return JSON.stringify(value, (_k, v) => (typeof v === 'bigint' ? `\u0000big:${v}` : v)).replace(/"\\u0000big:(-?\d+)"/g, '$1');
}

export interface MemoryEntry {
  usage?: Num;
  max?: Num;
  limit?: Num;
  failcnt?: Num;
}

export interface BlkioEntry {
  major: number;
  minor: number;
  op: string;
  value: Num;
}

export interface Stats {
  cpu?: {
    usage: { total?: Num; percpu?: Num[]; percpu_kernel?: Num[]; percpu_user?: Num[]; kernel?: Num; user?: Num };
    throttling?: { periods?: Num; throttled_periods?: Num; throttled_time?: Num };
  };
  memory?: {
    cache?: Num;
    usage: MemoryEntry;
    swap?: MemoryEntry;
    kernel?: MemoryEntry;
    kernelTCP?: MemoryEntry;
    raw?: Record<string, Num>;
  };
  pids?: { current?: Num; limit?: Num };
  blkio?: { ioServiceBytesRecursive?: BlkioEntry[]; ioServicedRecursive?: BlkioEntry[] };
  hugetlb?: Record<string, MemoryEntry>;
}

// Where each controller's files are: a v1 hierarchy or the cgroup2 directory.
export interface StatSources {
  cpu?: { version: 1 | 2; dir: string };
  cpuacct?: { version: 1 | 2; dir: string };
  memory?: { version: 1 | 2; dir: string };
  pids?: { version: 1 | 2; dir: string };
  blkio?: { version: 1 | 2; dir: string };
  hugetlb?: { version: 1 | 2; dir: string };
}

export function statSources(cg: Cgroup): StatSources {
  const unified = cg.unifiedDir();
  const v2 = (c: string) => cg.controllerDir(c);
  return {
    // cpu.stat's usage lines are a core cgroup2 file, there without the cpu controller.
    cpuacct: v2('cpuacct') ?? (unified ? { version: 2, dir: unified } : undefined),
    cpu: v2('cpu'),
    memory: v2('memory'),
    pids: v2('pids'),
    blkio: v2('blkio') ?? v2('io'),
    hugetlb: v2('hugetlb'),
  };
}

function read(dir: string, file: string): string | undefined {
  try {
    return readFileSync(join(dir, file), 'utf8');
  } catch {
    return undefined;
  }
}

// "max" (v2) and the v1 "unlimited" value (a page-rounded 2^63-1) are
// reported as runc reports them: the number itself for v1, 2^64-1 for v2
// memory, 0 for a pids limit.
const U64_MAX = 18446744073709551615n;

function num(text: string | undefined, max: Num = U64_MAX): Num | undefined {
  if (text === undefined) return undefined;
  const s = text.trim();
  return s === 'max' ? max : parseNum(s);
}

// "key value" lines (memory.stat, cpu.stat, memory.events, ...).
export function parseFlatKeyed(text: string | undefined): Record<string, Num> {
  const out: Record<string, Num> = {};
  for (const line of (text ?? '').split('\n')) {
    const [k, v] = line.trim().split(/\s+/);
    const n = k && v !== undefined ? parseNum(v) : undefined;
    if (n !== undefined) out[k] = n;
  }
  return out;
}

// v1 blkio files: "8:0 Read 4096" lines and a "Total N" line (dropped).
export function parseBlkioV1(text: string | undefined): BlkioEntry[] {
  const out: BlkioEntry[] = [];
  for (const line of (text ?? '').split('\n')) {
    const m = /^(\d+):(\d+) (\w+) (\d+)$/.exec(line.trim());
    if (m) out.push({ major: Number(m[1]), minor: Number(m[2]), op: m[3], value: parseNum(m[4])! });
  }
  return out;
}

// v2 io.stat: "8:0 rbytes=1 wbytes=2 rios=3 wios=4 dbytes=0 dios=0" per device.
export function parseIoStat(text: string | undefined): { bytes: BlkioEntry[]; ios: BlkioEntry[] } {
  const bytes: BlkioEntry[] = [];
  const ios: BlkioEntry[] = [];
  const ops: Record<string, [BlkioEntry[], string]> = {
    rbytes: [bytes, 'Read'], wbytes: [bytes, 'Write'], dbytes: [bytes, 'Discard'],
    rios: [ios, 'Read'], wios: [ios, 'Write'], dios: [ios, 'Discard'],
  };
  for (const line of (text ?? '').split('\n')) {
    const [dev, ...pairs] = line.trim().split(/\s+/);
    const m = /^(\d+):(\d+)$/.exec(dev ?? '');
    if (!m) continue;
    for (const pair of pairs) {
      const [k, v] = pair.split('=');
      const target = ops[k];
      const value = parseNum(v ?? '');
      if (target && value !== undefined) target[0].push({ major: Number(m[1]), minor: Number(m[2]), op: target[1], value });
    }
  }
  return { bytes, ios };
}

// cpuacct.usage_all: a header "cpu user system", then one line per cpu.
export function parseUsageAll(text: string | undefined): { user: Num[]; kernel: Num[] } | undefined {
  const lines = (text ?? '').trim().split('\n').slice(1).filter(Boolean);
  if (!lines.length) return undefined;
  const rows = lines.map((l) => l.trim().split(/\s+/).map((f) => parseNum(f) ?? 0));
  return { user: rows.map((r) => r[1]), kernel: rows.map((r) => r[2]) };
}

// cpuacct.stat counts in USER_HZ ticks (100 a second on Linux).
const NS_PER_TICK = 10_000_000;

function cpuStats(s: StatSources): Stats['cpu'] {
  const acct = s.cpuacct;
  if (!acct) return undefined;
  const cpu: NonNullable<Stats['cpu']> = { usage: {} };
  if (acct.version === 1) {
    cpu.usage.total = num(read(acct.dir, 'cpuacct.usage'));
    const percpu = read(acct.dir, 'cpuacct.usage_percpu');
    if (percpu !== undefined) cpu.usage.percpu = percpu.trim().split(/\s+/).filter(Boolean).map((f) => parseNum(f) ?? 0);
    const all = parseUsageAll(read(acct.dir, 'cpuacct.usage_all'));
    if (all) {
      cpu.usage.percpu_kernel = all.kernel;
      cpu.usage.percpu_user = all.user;
    }
    const ticks = parseFlatKeyed(read(acct.dir, 'cpuacct.stat'));
    if (ticks.system !== undefined) cpu.usage.kernel = mul(ticks.system, NS_PER_TICK);
    if (ticks.user !== undefined) cpu.usage.user = mul(ticks.user, NS_PER_TICK);
  } else {
    const st = parseFlatKeyed(read(acct.dir, 'cpu.stat'));
    if (st.usage_usec !== undefined) cpu.usage.total = mul(st.usage_usec, 1000);
    if (st.system_usec !== undefined) cpu.usage.kernel = mul(st.system_usec, 1000);
    if (st.user_usec !== undefined) cpu.usage.user = mul(st.user_usec, 1000);
  }
  const throttle = s.cpu ? parseFlatKeyed(read(s.cpu.dir, 'cpu.stat')) : acct.version === 2 ? parseFlatKeyed(read(acct.dir, 'cpu.stat')) : {};
  if (throttle.nr_periods !== undefined) {
    cpu.throttling = {
      periods: throttle.nr_periods,
      throttled_periods: throttle.nr_throttled,
      // v1 gives nanoseconds, v2 microseconds.
      throttled_time: throttle.throttled_time ?? (throttle.throttled_usec !== undefined ? mul(throttle.throttled_usec, 1000) : undefined),
    };
  }
  return cpu;
}

function v1MemoryEntry(dir: string, prefix: string): MemoryEntry | undefined {
  const usage = num(read(dir, `${prefix}.usage_in_bytes`));
  if (usage === undefined) return undefined;
  return {
    usage,
    max: num(read(dir, `${prefix}.max_usage_in_bytes`)),
    limit: num(read(dir, `${prefix}.limit_in_bytes`)),
    failcnt: num(read(dir, `${prefix}.failcnt`)),
  };
}

function memoryStats(s: StatSources): Stats['memory'] {
  const m = s.memory;
  if (!m) return undefined;
  const raw = parseFlatKeyed(read(m.dir, 'memory.stat'));
  if (m.version === 1) {
    const usage = v1MemoryEntry(m.dir, 'memory');
    if (!usage) return undefined;
    const out: NonNullable<Stats['memory']> = { cache: raw.cache, usage, raw };
    // memsw counts memory and swap together, as runc reports "swap".
    const swap = v1MemoryEntry(m.dir, 'memory.memsw');
    if (swap) out.swap = swap;
    const kernel = v1MemoryEntry(m.dir, 'memory.kmem');
    if (kernel) out.kernel = kernel;
    const tcp = v1MemoryEntry(m.dir, 'memory.kmem.tcp');
    if (tcp) out.kernelTCP = tcp;
    return out;
  }
  const current = num(read(m.dir, 'memory.current'));
  if (current === undefined) return undefined;
  const events = parseFlatKeyed(read(m.dir, 'memory.events'));
  const usage: MemoryEntry = { usage: current, limit: num(read(m.dir, 'memory.max')), max: num(read(m.dir, 'memory.peak')), failcnt: events.max };
  const out: NonNullable<Stats['memory']> = { cache: raw.file, usage, raw };
  // As v1's memsw: swap here is memory plus swap, its limit both limits.
  const swapCurrent = num(read(m.dir, 'memory.swap.current'));
  if (swapCurrent !== undefined) {
    const swapMax = num(read(m.dir, 'memory.swap.max'));
    const limit = usage.limit === U64_MAX || swapMax === U64_MAX || usage.limit === undefined || swapMax === undefined ? U64_MAX : add(usage.limit, swapMax);
    out.swap = { usage: add(current, swapCurrent), limit, max: num(read(m.dir, 'memory.swap.peak')), failcnt: parseFlatKeyed(read(m.dir, 'memory.swap.events')).max };
  }
  return out;
}

function pidsStats(s: StatSources): Stats['pids'] {
  const p = s.pids;
  if (!p) return undefined;
  const current = num(read(p.dir, 'pids.current'));
  if (current === undefined) return undefined;
  // No limit ("max") is 0, as runc reports it.
  return { current, limit: num(read(p.dir, 'pids.max'), 0) };
}

function blkioStats(s: StatSources): Stats['blkio'] {
  const b = s.blkio;
  if (!b) return undefined;
  if (b.version === 2) {
    const { bytes, ios } = parseIoStat(read(b.dir, 'io.stat'));
    return { ioServiceBytesRecursive: bytes, ioServicedRecursive: ios };
  }
  // The BFQ scheduler's counters when the kernel has them, else the throttle layer's (always there).
  const bfq = read(b.dir, 'blkio.bfq.io_service_bytes_recursive');
  const prefix = bfq !== undefined ? 'blkio.bfq' : 'blkio.throttle';
  return {
    ioServiceBytesRecursive: parseBlkioV1(read(b.dir, `${prefix}.io_service_bytes_recursive`)),
    ioServicedRecursive: parseBlkioV1(read(b.dir, `${prefix}.io_serviced_recursive`)),
  };
}

function hugetlbStats(s: StatSources): Stats['hugetlb'] {
  const h = s.hugetlb;
  if (!h) return undefined;
  let files: string[];
  try {
    files = readdirSync(h.dir);
  } catch {
    return undefined;
  }
  const out: Record<string, MemoryEntry> = {};
  const suffix = h.version === 1 ? '.usage_in_bytes' : '.current';
  for (const f of files) {
    const m = /^hugetlb\.([0-9]+[KMG]B)(\.\w+)$/.exec(f);
    if (!m || m[2] !== suffix) continue;
    const size = m[1];
    out[size] = h.version === 1
      ? v1MemoryEntry(h.dir, `hugetlb.${size}`)!
      : { usage: num(read(h.dir, f)), limit: num(read(h.dir, `hugetlb.${size}.max`)), failcnt: parseFlatKeyed(read(h.dir, `hugetlb.${size}.events`)).max };
  }
  return out;
}

export function readStats(s: StatSources): Stats {
  const stats: Stats = {};
  const parts: [keyof Stats, unknown][] = [
    ['cpu', cpuStats(s)], ['memory', memoryStats(s)], ['pids', pidsStats(s)], ['blkio', blkioStats(s)], ['hugetlb', hugetlbStats(s)],
  ];
  for (const [k, v] of parts) if (v !== undefined) (stats as Record<string, unknown>)[k] = v;
  return stats;
}

// The count of OOM events of the memory cgroup: v1 memory.oom_control's
// oom_kill, v2 memory.events' oom. undefined when neither is readable.
export function oomCount(s: StatSources): Num | undefined {
  const m = s.memory;
  if (!m) return undefined;
  const text = read(m.dir, m.version === 1 ? 'memory.oom_control' : 'memory.events');
  if (text === undefined) return undefined;
  const kv = parseFlatKeyed(text);
  return m.version === 1 ? kv.oom_kill : kv.oom ?? kv.oom_kill;
}
