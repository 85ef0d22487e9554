// Applies linux.resources to a container's cgroup: finds each controller
// (a v1 hierarchy, else cgroup2), compiles the fields into steps with the
// v1 or v2 driver, and runs them. Used by create (before the init is
// placed in the cgroup, so no user code runs unconstrained) and by update.
import { readFileSync, existsSync, writeFileSync } from 'node:fs';
import { join, posix } from 'node:path';
import type { CgroupLayout, Hierarchy } from './layout';
import { attachDeviceProgram, deviceProgram, encodeProgram } from './devices-bpf';
import {
  cannot, deviceRules, runSteps, write,
  type Probe, type Resources, type Step, type Target,
} from './resources';
import { blkioV1, cpuV1, cpusetSteps, devicesV1, hugetlbSteps, memoryV1, pidsSteps, rdmaSteps } from './resources-v1';
import { cpuV2, ioV2, memoryV2 } from './resources-v2';

export interface ApplyOptions {
  // linux.devices paths: a default device listed there loses its default rule.
  configDevicePaths?: readonly string[];
  // update: device rules stay as they are; memory.checkBeforeUpdate applies.
  update?: boolean;
}

// What apply needs of a Cgroup (manager.ts).
export interface CgroupLike {
  readonly layout: CgroupLayout;
  readonly path: string;
  readonly made: ReadonlySet<string>;
  dir(h: Hierarchy): string;
  unifiedDir(): string | undefined;
}

// v1 controller names that cgroup2 calls otherwise; v1-only ones have no v2 form.
const V2_NAME: Record<string, string> = { blkio: 'io' };
const V1_ONLY = ['devices', 'net_cls', 'net_prio', 'freezer'];

function readText(path: string): string | undefined {
  try {
    return readFileSync(path, 'utf8');
  } catch {
    return undefined;
  }
}

const words = (text: string | undefined) => (text ?? '').trim().split(/\s+/).filter(Boolean);

// The cgroup2 directories from the mount's root down to the container's parent.
function v2Ancestors(h: Hierarchy, dir: string): string[] {
  const out: string[] = [];
  for (let d = posix.dirname(dir); d.length >= h.mountPoint.length; d = posix.dirname(d)) {
    out.unshift(d);
    if (d === h.mountPoint || d === '/') break;
  }
  return out;
}

export function hostProbe(cg: CgroupLike): Probe {
  const v2 = cg.layout.hierarchies.find((h) => h.version === 2);
  const v2dir = cg.unifiedDir();
  const v2controllers = () => words(v2dir && readText(join(v2dir, 'cgroup.controllers')));
  return {
    locate(controller): Target | undefined {
      const h = cg.layout.hierarchies.find((x) => x.version === 1 && x.controllers.includes(controller));
      if (h) return { version: 1, dir: cg.dir(h) };
      if (v2dir && !V1_ONLY.includes(controller) && v2controllers().includes(V2_NAME[controller] ?? controller)) return { version: 2, dir: v2dir };
      return undefined;
    },
    unifiedDir: () => v2dir,
    exists: (dir, file) => existsSync(join(dir, file)),
    read: (dir, file) => readText(join(dir, file)),
    missing(controller) {
      const name = V2_NAME[controller] ?? controller;
      const base = `the ${controller} controller is not mounted on this host`;
      if (V1_ONLY.includes(controller)) return cg.layout.mode === 'unified' ? `${base} (cgroup v2 has no ${controller} controller)` : base;
      if (!v2 || !v2dir) return base;
      // Which level of cgroup2 keeps it from the container's directory.
      for (const d of v2Ancestors(v2, v2dir)) {
        if (!words(readText(join(d, 'cgroup.controllers'))).includes(name)) return `${base}, and the kernel's cgroup2 does not offer it at ${d}`;
        if (!words(readText(join(d, 'cgroup.subtree_control'))).includes(name)) {
          return `${base}, and cgroup2 has it but ${join(d, 'cgroup.subtree_control')} does not enable it for the cgroups below (tsrun changes only cgroups it made)`;
        }
      }
      return `${base}, and ${v2dir} does not have it`;
    },
  };
}

// In the cgroup2 directories tsrun made (and its own /tsrun), every
// controller the parent offers is enabled for the level below, as runc does,
// so the container's cgroup has the files of each. Others are left alone;
// a controller they do not pass down is reported when a field needs it.
export function enableControllers(cg: CgroupLike): void {
  const h = cg.layout.hierarchies.find((x) => x.version === 2);
  const dir = cg.unifiedDir();
  if (!h || !dir) return;
  for (const d of v2Ancestors(h, dir)) {
    const rel = d.slice(h.mountPoint.length) || '/';
    const owned = cg.made.has(d) || (h.root === '/' && rel === '/tsrun');
    if (!owned) continue;
    const enabled = new Set(words(readText(join(d, 'cgroup.subtree_control'))));
    for (const c of words(readText(join(d, 'cgroup.controllers')))) {
      if (enabled.has(c)) continue;
      try {
        writeFileSync(join(d, 'cgroup.subtree_control'), `+${c}`);
      } catch {
        /* reported by the field that needs it */
      }
    }
  }
}

const set = (v: unknown) => v !== undefined && v !== null && v !== 0 && v !== '';

function firstSet(prefix: string, obj: object, keys: string[]): string {
  const k = keys.find((key) => set((obj as Record<string, unknown>)[key]));
  return `${prefix}.${k ?? keys[0]}`;
}

export function unifiedSteps(unified: Record<string, string>, p: Probe, v2controllers: readonly string[]): Step[] {
  const dir = p.unifiedDir();
  const steps: Step[] = [];
  for (const [key, value] of Object.entries(unified)) {
    const f = `linux.resources.unified[${JSON.stringify(key)}]`;
    if (!dir) throw cannot(f, 'this host has no cgroup2 hierarchy');
    if (!/^[a-z_]+\.[A-Za-z0-9_.-]+$/.test(key)) throw cannot(f, 'not the name of a cgroup file');
    if (key === 'cgroup.procs' || key === 'cgroup.threads') throw cannot(f, 'moves processes; it is not a resource setting');
    const controller = key.slice(0, key.indexOf('.'));
    if (controller !== 'cgroup' && !v2controllers.includes(controller)) {
      const why = p.missing(controller).replace(/^the \S+ controller is not mounted on this host, and /, '');
      throw cannot(f, `the ${controller} controller is not enabled in this container's cgroup2 directory ${dir}${why.startsWith('the ') ? '' : ` (${why})`}`);
    }
    if (!p.exists(dir, key)) throw cannot(f, `${key} does not exist in ${dir}`);
    steps.push(write(f, dir, key, value));
  }
  return steps;
}

// The steps for a set of resources, in the order they are written: device
// rules, cpuset, cpu, memory, pids, block io, huge pages, network, rdma,
// and the unified map last (so that it can refine what came before).
export function planResources(res: Resources, p: Probe, o: ApplyOptions = {}): Step[] {
  const steps: Step[] = [];
  const where = (controller: string, field: string): Target => {
    const t = p.locate(controller);
    if (!t) throw cannot(field, p.missing(controller));
    return t;
  };
  if (!o.update) {
    const rules = deviceRules(res, o.configDevicePaths);
    const v1 = p.locate('devices');
    const v2dir = p.unifiedDir();
    if (v1) steps.push(...devicesV1(rules, v1.dir));
    else if (v2dir) steps.push({ kind: 'bpf-devices', field: 'linux.resources.devices', dir: v2dir, program: encodeProgram(deviceProgram(rules)) });
    else if (res.devices?.length) throw cannot('linux.resources.devices', p.missing('devices'));
  }
  const c = res.cpu;
  if (c) {
    if (c.cpus || c.mems) steps.push(...cpusetSteps(c, where('cpuset', firstSet('linux.resources.cpu', c, ['cpus', 'mems'])).dir));
    const cpuKeys = ['shares', 'quota', 'period', 'burst', 'realtimeRuntime', 'realtimePeriod', 'idle'];
    if (c.shares || c.quota || c.period || c.burst !== undefined || c.realtimeRuntime || c.realtimePeriod || c.idle !== undefined) {
      const t = where('cpu', firstSet('linux.resources.cpu', c, cpuKeys));
      steps.push(...(t.version === 1 ? cpuV1(c, t.dir, p) : cpuV2(c, t.dir, p)));
    }
  }
  const m = res.memory;
  if (m && (m.limit || m.reservation || m.swap || m.kernel || m.kernelTCP || m.swappiness !== undefined || m.disableOOMKiller)) {
    const t = where('memory', firstSet('linux.resources.memory', m, ['limit', 'reservation', 'swap', 'kernel', 'kernelTCP', 'swappiness', 'disableOOMKiller']));
    steps.push(...(t.version === 1 ? memoryV1(m, t.dir, p) : memoryV2(m, t.dir, p, !!o.update)));
  }
  if (res.pids?.limit !== undefined) steps.push(...pidsSteps(res.pids.limit, where('pids', 'linux.resources.pids.limit').dir));
  const b = res.blockIO;
  const bKeys = ['weight', 'leafWeight', 'weightDevice', 'throttleReadBpsDevice', 'throttleWriteBpsDevice', 'throttleReadIOPSDevice', 'throttleWriteIOPSDevice'];
  if (b && bKeys.some((k) => { const v = (b as Record<string, unknown>)[k]; return Array.isArray(v) ? v.length > 0 : set(v); })) {
    const t = where('blkio', firstSet('linux.resources.blockIO', b, bKeys));
    steps.push(...(t.version === 1 ? blkioV1(b, t.dir, p) : ioV2(b, t.dir, p)));
  }
  if (res.hugepageLimits?.length) {
    const t = where('hugetlb', 'linux.resources.hugepageLimits');
    steps.push(...hugetlbSteps(res.hugepageLimits, t.version, t.dir, p));
  }
  const n = res.network;
  if (n?.classID !== undefined) steps.push(write('linux.resources.network.classID', where('net_cls', 'linux.resources.network.classID').dir, 'net_cls.classid', n.classID));
  if (n?.priorities?.length) {
    const dir = where('net_prio', 'linux.resources.network.priorities').dir;
    n.priorities.forEach((x, i) => steps.push(write(`linux.resources.network.priorities[${i}]`, dir, 'net_prio.ifpriomap', `${x.name} ${x.priority}`)));
  }
  if (res.rdma && Object.keys(res.rdma).length) steps.push(...rdmaSteps(res.rdma, where('rdma', 'linux.resources.rdma').dir));
  if (res.unified && Object.keys(res.unified).length) {
    const dir = p.unifiedDir();
    const v2controllers = dir ? words(p.read(dir, 'cgroup.controllers')) : [];
    steps.push(...unifiedSteps(res.unified, p, v2controllers));
  }
  return steps;
}

export function applyResources(cg: CgroupLike, res: Resources, o: ApplyOptions = {}): void {
  if (!o.update) enableControllers(cg);
  const steps = planResources(res, hostProbe(cg), o);
  runSteps(steps, (s) => attachDeviceProgram(s.dir, s.program, s.field));
}
