import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseMountinfo } from '../util/mountinfo';

// One mounted cgroup hierarchy of the host.
export interface Hierarchy {
  version: 1 | 2;
  mountPoint: string;
  // v1: the controllers (and name=X of a named hierarchy) on this mount.
  controllers: string[];
  // The path inside the hierarchy that this mount shows as its root.
  root: string;
}

export type CgroupMode = 'unified' | 'hybrid' | 'legacy' | 'none';

export interface CgroupLayout {
  mode: CgroupMode;
  hierarchies: Hierarchy[];
}

// The cgroup hierarchies as this process's mount namespace shows them; never assumed.
export function detectLayout(mountinfo = readFileSync('/proc/self/mountinfo', 'utf8')): CgroupLayout {
  const hierarchies: Hierarchy[] = [];
  for (const { fstype, superOptions, root, mountPoint } of parseMountinfo(mountinfo)) {
    if (fstype !== 'cgroup' && fstype !== 'cgroup2') continue;
    if (fstype === 'cgroup2') {
      hierarchies.push({ version: 2, mountPoint, controllers: [], root });
    } else {
      const controllers = superOptions.split(',').filter((o) => o !== 'rw' && o !== 'ro' && !o.startsWith('release_agent') && o !== 'clone_children' && o !== 'xattr' && o !== 'noprefix' && o !== 'cpuset_v2_mode');
      // The same hierarchy mounted twice: keep the first.
      if (hierarchies.some((h) => h.version === 1 && h.controllers.join() === controllers.join())) continue;
      hierarchies.push({ version: 1, mountPoint, controllers, root });
    }
  }
  const v1 = hierarchies.filter((h) => h.version === 1);
  const v2 = hierarchies.filter((h) => h.version === 2);
  const mode: CgroupMode = v1.length === 0 ? (v2.length ? 'unified' : 'none') : v2.length ? 'hybrid' : 'legacy';
  // In unified mode keep one cgroup2 mount; in hybrid mode keep v1 plus the cgroup2 one.
  return { mode, hierarchies: mode === 'unified' ? v2.slice(0, 1) : [...v1, ...v2.slice(0, 1)] };
}

// This process's own cgroup in each hierarchy, from /proc/self/cgroup ("0::/x" for v2).
export function ownCgroups(text = readFileSync('/proc/self/cgroup', 'utf8')): Map<string, string> {
  const map = new Map<string, string>();
  for (const line of text.split('\n')) {
    const m = /^(\d+):([^:]*):(.*)$/.exec(line);
    if (m) map.set(m[2], m[3]);
  }
  return map;
}

// The name a v1 hierarchy is known by in /proc/self/cgroup ("cpu,cpuacct", "name=systemd").
export function hierarchyKey(h: Hierarchy): string {
  return h.version === 2 ? '' : h.controllers.join(',');
}

// The directory of cgroup `path` in a hierarchy, on the host. A hierarchy
// mounted from a sub-root (as inside a container) shows paths relative to it.
export function cgroupDir(h: Hierarchy, path: string): string {
  const rel = h.root !== '/' && path.startsWith(h.root + '/') ? path.slice(h.root.length) : path;
  return join(h.mountPoint, rel);
}
