import { join } from 'node:path';
import { cgroupDir, hierarchyKey, type CgroupLayout } from '../cgroups/layout';
import { op } from './ops';
import type { PlanOp } from './types';

// How the init gets into its cgroup without waiting. Moving another process
// into a cgroup waits in the kernel for an RCU grace period (5 to 40 ms
// here), which was the largest single cost of a create. A process that
// moves itself into a v1 hierarchy (writing "0" to `tasks`) does not wait,
// and neither does a child cloned straight into a cgroup2 directory (clone3
// with CLONE_INTO_CGROUP). So the helper moves itself into the container's
// v1 cgroups and clones the init into its cgroup2 one: the init is born in
// all of them. A helper that stays to wait for the init (`wait`) returns to
// tsrun's own v1 cgroups, `own` (/proc/self/cgroup), which it inherited; it
// never joined the cgroup2 one. Undefined on a host without cgroups.
export function enterCgroupOp(layout: CgroupLayout, cgroupPath: string, own: Map<string, string> | undefined, wait: boolean): PlanOp | undefined {
  const v1 = layout.hierarchies.filter((h) => h.version === 1);
  const v2 = layout.hierarchies.find((h) => h.version === 2);
  if (!v1.length && !v2) return undefined;
  const tasks = v1.map((h) => join(cgroupDir(h, cgroupPath), 'tasks'));
  const returnTo = !wait ? [] : v1.flatMap((h) => {
    const path = own?.get(hierarchyKey(h));
    return path === undefined ? [] : [join(cgroupDir(h, path), 'tasks')];
  });
  return op.enterCgroup(tasks, v2 ? cgroupDir(v2, cgroupPath) : '', returnTo);
}
