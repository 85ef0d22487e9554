import { mkdirSync, readFileSync, readdirSync, rmdirSync, writeFileSync, existsSync, type Dirent } from 'node:fs';
import { join, posix } from 'node:path';
import { UserError } from '../util/errors';
import { sleepSync } from '../util/sleep';
import { CgroupLayout, Hierarchy, cgroupDir, hierarchyKey, ownCgroups } from './layout';

// A container's cgroup: one directory per hierarchy. tsrun creates and
// removes only these; the host's hierarchies are never changed.
export class Cgroup {
  constructor(readonly layout: CgroupLayout, readonly path: string) {}

  dir(h: Hierarchy): string {
    return cgroupDir(h, this.path);
  }

  dirs(): string[] {
    return this.layout.hierarchies.map((h) => this.dir(h));
  }

  // The directories create() made, the container's own and the parents it
  // needed (tsrun may enable controllers in cgroup2 ones; delete removes
  // the parents again when they are empty).
  readonly made = new Set<string>();

  create(): void {
    for (const h of this.layout.hierarchies) {
      for (let d = this.dir(h); d.startsWith(h.mountPoint + '/') && !existsSync(d); d = posix.dirname(d)) this.made.add(d);
      if (h.version === 1 && h.controllers.includes('cpuset')) createCpuset(h.mountPoint, this.dir(h));
      else mkdirSync(this.dir(h), { recursive: true });
    }
  }

  // The pids in the container's cgroup (from the first hierarchy that has it).
  pids(): number[] {
    for (const d of this.dirs()) {
      try {
        return readFileSync(join(d, 'cgroup.procs'), 'utf8').split('\n').filter(Boolean).map(Number);
      } catch {
        continue;
      }
    }
    return [];
  }

  exists(): boolean {
    return this.dirs().some((d) => existsSync(d));
  }

  // The pids in the container's cgroup and in any cgroup made below it (a
  // container with its own cgroup namespace may make some), from the first
  // hierarchy that has the container's directory, in ascending order.
  allPids(): number[] {
    for (const d of this.dirs()) {
      if (!existsSync(join(d, 'cgroup.procs'))) continue;
      const pids = new Set<number>();
      const walk = (dir: string) => {
        try {
          for (const line of readFileSync(join(dir, 'cgroup.procs'), 'utf8').split('\n')) if (line) pids.add(Number(line));
          for (const e of readdirSync(dir, { withFileTypes: true })) if (e.isDirectory()) walk(join(dir, e.name));
        } catch {
          /* removed while we looked */
        }
      };
      walk(d);
      return [...pids].sort((a, b) => a - b);
    }
    return [];
  }

  // Where the files of one controller are for this cgroup: a v1 hierarchy
  // that has it, else the cgroup2 directory if the controller is enabled
  // there (its cgroup.controllers lists it). undefined when neither.
  controllerDir(controller: string): { version: 1 | 2; dir: string } | undefined {
    const v1 = this.layout.hierarchies.find((h) => h.version === 1 && h.controllers.includes(controller));
    if (v1) return { version: 1, dir: this.dir(v1) };
    const v2 = this.layout.hierarchies.find((h) => h.version === 2);
    if (!v2) return undefined;
    const dir = this.dir(v2);
    try {
      return readFileSync(join(dir, 'cgroup.controllers'), 'utf8').trim().split(/\s+/).includes(controller) ? { version: 2, dir } : undefined;
    } catch {
      return undefined;
    }
  }

  // The cgroup2 directory of this cgroup, if the host has a cgroup2 mount.
  unifiedDir(): string | undefined {
    const v2 = this.layout.hierarchies.find((h) => h.version === 2);
    return v2 && this.dir(v2);
  }

  // The parent directories create() made, deepest first.
  madeParents(): string[] {
    const own = new Set(this.dirs());
    return [...this.made].filter((d) => !own.has(d)).sort((a, b) => b.length - a.length);
  }

  // Removes parents that create() made once nothing else uses them (another
  // container under the same parent keeps it).
  static removeParents(parents: readonly string[]): void {
    for (const d of parents) {
      try {
        rmdirSync(d);
      } catch {
        /* not empty, or already gone */
      }
    }
  }

  // Removes the directories, and any the container made below them, deepest
  // first. A cgroup whose killed processes are still exiting is busy for a
  // moment: retry for a while before giving up.
  remove(timeoutMs = 5_000): void {
    const deadline = Date.now() + timeoutMs;
    for (const d of this.dirs()) {
      // Most have nothing below them: the directory alone, first.
      if (removeDir(d, deadline, false)) continue;
      for (const sub of [...subdirs(d), d]) removeDir(sub, deadline, true);
    }
  }
}

// rmdir, true once the directory is gone. A busy one (processes still
// exiting, or directories below it) is retried until the deadline, or at
// once reported as false when `retry` is not set.
function removeDir(dir: string, deadline: number, retry: boolean): boolean {
  for (;;) {
    try {
      rmdirSync(dir);
      return true;
    } catch (e) {
      const code = (e as NodeJS.ErrnoException).code;
      if (code === 'ENOENT') return true;
      if (code === 'EBUSY' && !retry) return false;
      if (code !== 'EBUSY' || Date.now() > deadline) throw new UserError(`cannot remove the cgroup ${dir}: ${code}`);
      sleepSync(5);
    }
  }
}

// The directories below dir, deepest first.
function subdirs(dir: string): string[] {
  let entries: Dirent[];
  try {
    entries = readdirSync(dir, { withFileTypes: true });
  } catch {
    return [];
  }
  return entries.filter((e) => e.isDirectory()).flatMap((e) => [...subdirs(join(dir, e.name)), join(dir, e.name)]);
}

// A new v1 cpuset cgroup starts with no cpus and no mems, and refuses
// tasks until it has some: each new level inherits its parent's.
function createCpuset(mountPoint: string, dir: string): void {
  const parts = dir.slice(mountPoint.length).split('/').filter(Boolean);
  let parent = mountPoint;
  for (const part of parts) {
    const d = join(parent, part);
    if (!existsSync(d)) mkdirSync(d);
    for (const f of ['cpuset.cpus', 'cpuset.mems']) {
      if (readFileSync(join(d, f), 'utf8').trim() === '') writeFileSync(join(d, f), readFileSync(join(parent, f), 'utf8').trim());
    }
    parent = d;
  }
}

// linux.cgroupsPath: absolute paths are used as given; relative ones are
// placed under tsrun's own cgroup, as runc does; absent means /tsrun/<id>.
export function resolveCgroupPath(layout: CgroupLayout, cgroupsPath: string | undefined, id: string): string {
  if (!cgroupsPath) return `/tsrun/${id}`;
  if (cgroupsPath.startsWith('/')) {
    const p = posix.normalize(cgroupsPath);
    // The root is everyone's cgroup: tsrun would kill and remove what is not the container's.
    if (p === '/') throw new UserError('linux.cgroupsPath: must not be the root cgroup');
    return p;
  }
  const own = ownCgroups();
  const first = layout.hierarchies[0];
  const base = first ? own.get(hierarchyKey(first)) ?? '/' : '/';
  const p = posix.join(base, cgroupsPath);
  if (p === '/' || !p.startsWith('/')) throw new UserError(`linux.cgroupsPath: ${JSON.stringify(cgroupsPath)} resolves to the root cgroup`);
  return p;
}
