// linux.resources: the types, the rules both drivers share, and the one
// place that turns a list of cgroup file writes into real writes.
//
// Each driver (resources-v1.ts, resources-v2.ts) turns the resources into
// an ordered list of steps, a pure function of the config and what the
// host's cgroup files look like (a Probe). Every step carries the config
// field it comes from, so a failure names it:
//   linux.resources.memory.limit: cannot write 1000 to .../memory.limit_in_bytes: invalid argument
//
// Zero means "not set" for the fields runc treats that way (memory limits,
// cpu shares, quota and period, blkio weight): that is what `update` needs
// (dockerd sends zeros for what it does not change) and what create does
// with them too, as runc does. pids.limit 0 is a real limit (runtime-spec:
// "0 is a valid limit value"); -1 is no limit.
import { readFileSync, writeFileSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import { UserError, errorCode } from '../util/errors';

export interface DeviceRule {
  allow: boolean;
  type?: string;
  major?: number;
  minor?: number;
  access?: string;
}

export interface Memory {
  limit?: number;
  reservation?: number;
  swap?: number;
  kernel?: number;
  kernelTCP?: number;
  swappiness?: number;
  disableOOMKiller?: boolean;
  useHierarchy?: boolean;
  checkBeforeUpdate?: boolean;
}

export interface Cpu {
  shares?: number;
  quota?: number;
  burst?: number;
  period?: number;
  realtimeRuntime?: number;
  realtimePeriod?: number;
  cpus?: string;
  mems?: string;
  idle?: number;
}

export interface WeightDevice {
  major: number;
  minor: number;
  weight?: number;
  leafWeight?: number;
}

export interface ThrottleDevice {
  major: number;
  minor: number;
  rate: number;
}

export interface BlockIO {
  weight?: number;
  leafWeight?: number;
  weightDevice?: WeightDevice[];
  throttleReadBpsDevice?: ThrottleDevice[];
  throttleWriteBpsDevice?: ThrottleDevice[];
  throttleReadIOPSDevice?: ThrottleDevice[];
  throttleWriteIOPSDevice?: ThrottleDevice[];
}

export interface Resources {
  devices?: DeviceRule[];
  memory?: Memory;
  cpu?: Cpu;
  blockIO?: BlockIO;
  hugepageLimits?: { pageSize: string; limit: number }[];
  network?: { classID?: number; priorities?: { name: string; priority: number }[] };
  pids?: { limit?: number };
  rdma?: Record<string, { hcaHandles?: number; hcaObjects?: number }>;
  unified?: Record<string, string>;
}


// Where one controller's files are for the container.
export interface Target {
  version: 1 | 2;
  dir: string;
}

// What a driver may look at on the host. The real one reads the cgroup
// files; unit tests hand in a fake.
export interface Probe {
  // The directory of a controller for the container, v1 hierarchy or cgroup2; undefined when neither has it.
  locate(controller: string): Target | undefined;
  // The container's cgroup2 directory, if the host has a cgroup2 mount.
  unifiedDir(): string | undefined;
  exists(dir: string, file: string): boolean;
  read(dir: string, file: string): string | undefined;
  // Why a controller is missing, for the error message.
  missing(controller: string): string;
}

export interface WriteStep {
  kind: 'write';
  field: string;
  dir: string;
  file: string;
  value: string;
  // Writes of one group may depend on each other's order (cfs period and
  // quota): one that fails with EINVAL is tried again after the others.
  group?: string;
  // Read the file back and fail unless this holds (the kernel clamps some
  // values, and ignores others); expectWhy says what it means when not.
  expect?: (readBack: string) => boolean;
  expectWhy?: string;
  // Added to the message when the write fails with that errno.
  hints?: Partial<Record<string, string>>;
}

export interface BpfStep {
  kind: 'bpf-devices';
  field: string;
  dir: string;
  program: Buffer;
}

export type Step = WriteStep | BpfStep;

export function write(field: string, dir: string, file: string, value: string | number, extra: Partial<WriteStep> = {}): WriteStep {
  return { kind: 'write', field, dir, file, value: String(value), ...extra };
}

// A resource the host cannot provide.
export function cannot(field: string, why: string): UserError {
  return new UserError(`${field}: ${why}`);
}

// The default devices every container may use, whatever resources.devices
// says (appended after the config's rules, as runc does, so that a config
// whose list is only "deny all" still has /dev/null). A default whose path
// linux.devices lists again is left out: the config's own device and rules
// decide, so resources.devices can deny /dev/full that way.
export interface DefaultRule extends DeviceRule {
  path?: string;
}

export const DEFAULT_DEVICE_RULES: readonly DefaultRule[] = [
  { allow: true, type: 'c', access: 'm' },
  { allow: true, type: 'b', access: 'm' },
  { allow: true, type: 'c', major: 1, minor: 3, access: 'rwm', path: '/dev/null' },
  { allow: true, type: 'c', major: 1, minor: 8, access: 'rwm', path: '/dev/random' },
  { allow: true, type: 'c', major: 1, minor: 7, access: 'rwm', path: '/dev/full' },
  { allow: true, type: 'c', major: 5, minor: 0, access: 'rwm', path: '/dev/tty' },
  { allow: true, type: 'c', major: 1, minor: 5, access: 'rwm', path: '/dev/zero' },
  { allow: true, type: 'c', major: 1, minor: 9, access: 'rwm', path: '/dev/urandom' },
  { allow: true, type: 'c', major: 136, access: 'rwm' }, // /dev/pts/*
  { allow: true, type: 'c', major: 5, minor: 2, access: 'rwm' }, // /dev/ptmx
];

// One rule with its config field (defaults say so).
export interface FieldRule extends DeviceRule {
  field: string;
}

// The device rules in the order they take effect: everything denied, the
// config's rules in order, then the defaults. The last rule that decides
// an access wins.
export function deviceRules(res: Resources | undefined, configDevicePaths: readonly string[] = []): FieldRule[] {
  const rules: FieldRule[] = [{ allow: false, type: 'a', access: 'rwm', field: 'linux.resources.devices' }];
  (res?.devices ?? []).forEach((d, i) => {
    const field = `linux.resources.devices[${i}]`;
    if (d.type !== undefined && !['a', 'b', 'c'].includes(d.type)) throw cannot(`${field}.type`, `must be a, b or c, not ${JSON.stringify(d.type)}`);
    const access = d.access ?? 'rwm';
    if (!/^[rwm]+$/.test(access)) throw cannot(`${field}.access`, `must be made of r, w and m, not ${JSON.stringify(access)}`);
    rules.push({ allow: d.allow, type: d.type ?? 'a', major: d.major, minor: d.minor, access, field });
  });
  const configured = new Set(configDevicePaths.map((p) => p.replace(/\/+$/, '')));
  for (const d of DEFAULT_DEVICE_RULES) {
    if (d.path && configured.has(d.path)) continue;
    rules.push({ allow: d.allow, type: d.type, major: d.major, minor: d.minor, access: d.access, field: 'default devices' });
  }
  return rules;
}

// "c 1:3 rwm" as v1's devices.allow/deny want it; a type "a" rule is all devices.
export function v1DeviceLine(r: DeviceRule): string {
  if ((r.type ?? 'a') === 'a') return 'a';
  const n = (v: number | undefined) => (v === undefined || v < 0 ? '*' : String(v));
  return `${r.type} ${n(r.major)}:${n(r.minor)} ${r.access ?? 'rwm'}`;
}

// cpu.shares (v1, 2..262144, default 1024) to cpu.weight (v2, 1..10000,
// default 100) with the curve runc (1.3.2 on) and crun (1.23 on) use: it
// maps the minimum, the default and the maximum onto each other, where the
// older linear formula put 1024 at 39.
export function sharesToWeight(shares: number): number {
  if (shares <= 2) return 1;
  if (shares >= 262144) return 10000;
  const l = Math.log2(shares);
  return Math.ceil(10 ** ((l * l + 125 * l) / 612 - 7 / 34));
}

// blkio weight (10..1000) to io.weight (1..10000), linearly, as runc does.
export function blkioToIoWeight(w: number): number {
  return 1 + Math.floor(((w - 10) * 9999) / 990);
}

// runtime-spec's swap is memory+swap (v1 memsw); cgroup2's memory.swap.max
// is swap alone. undefined: leave it as it is.
export function v2Swap(swap: number | undefined, limit: number | undefined): string | undefined {
  const field = 'linux.resources.memory.swap';
  if (limit === -1 && !swap) return 'max';
  if (!swap) return undefined;
  if (swap === -1 || limit === -1) return swap === -1 ? 'max' : String(swap);
  if (!limit) throw cannot(field, 'a swap limit needs a memory limit on cgroup v2 (swap is memory plus swap, as on v1)');
  if (swap < limit) throw cannot(field, `memory plus swap (${swap}) must not be less than the memory limit (${limit})`);
  return String(swap - limit);
}

// "2MB" -> the suffix of hugetlb.<size>.* files (the same text).
export function pageSizeOk(s: string): boolean {
  return /^\d+[KMG]B$/.test(s);
}

// "max" or a number, for limits where -1 means none.
export const maxOr = (n: number) => (n < 0 ? 'max' : String(n));

// Runs the steps. A write that fails names its field and file.
export function runSteps(steps: Step[], attachBpf: (s: BpfStep) => void): void {
  let deferred: WriteStep[] = [];
  const flush = () => {
    for (const w of deferred) doWrite(w);
    deferred = [];
  };
  steps.forEach((s, i) => {
    if (s.kind === 'bpf-devices') {
      flush();
      attachBpf(s);
      return;
    }
    try {
      doWrite(s);
    } catch (e) {
      if (!s.group || (e as { errno?: string }).errno !== 'EINVAL') throw e;
      deferred.push(s);
    }
    const next = steps[i + 1];
    if (!next || next.kind !== 'write' || next.group !== s.group) flush();
  });
  flush();
}

const REASONS: Record<string, string> = {
  EINVAL: 'invalid argument', EBUSY: 'device or resource busy', ENOENT: 'no such file', EPERM: 'operation not permitted',
  EACCES: 'permission denied', ENODEV: 'no such device', ERANGE: 'out of range', ENOSPC: 'no space left',
  EOPNOTSUPP: 'not supported', ENOTSUP: 'not supported', EROFS: 'read-only file system',
};

function doWrite(w: WriteStep): void {
  const path = join(w.dir, w.file);
  try {
    writeFileSync(path, w.value);
  } catch (e) {
    const code = errorCode(e) ?? '';
    const err = code === 'ENOENT' && !existsSync(w.dir)
      ? new UserError(`${w.field}: the cgroup ${w.dir} does not exist`)
      : code === 'ENOENT'
        ? new UserError(`${w.field}: ${w.file} does not exist on this host`)
        : new UserError(`${w.field}: cannot write ${JSON.stringify(w.value)} to ${path}: ${REASONS[code] ?? (e as Error).message}${w.hints?.[code] ? ` (${w.hints[code]})` : ''}`);
    (err as unknown as { errno: string }).errno = code;
    throw err;
  }
  if (w.expect) {
    const back = readFileSync(path, 'utf8').trim();
    if (!w.expect(back)) throw new UserError(`${w.field}: wrote ${w.value} to ${path} but the kernel kept ${back}${w.expectWhy ? ` (${w.expectWhy})` : ''}`);
  }
}
