import type { NamespaceType, Spec } from '../spec/types';
import { CLONE } from './linux-constants';
import { op } from './ops';
import type { PlanOp } from './types';

export const FLAG: Record<NamespaceType, number> = {
  user: CLONE.NEWUSER,
  ipc: CLONE.NEWIPC,
  uts: CLONE.NEWUTS,
  network: CLONE.NEWNET,
  pid: CLONE.NEWPID,
  cgroup: CLONE.NEWCGROUP,
  time: CLONE.NEWTIME,
  mount: CLONE.NEWNS,
};

// The names of the namespace files in /proc/PID/ns.
export const PROC_NS_NAME: Record<NamespaceType, string> = {
  user: 'user', ipc: 'ipc', uts: 'uts', network: 'net', pid: 'pid', cgroup: 'cgroup', time: 'time', mount: 'mnt',
};

// Joining order: the user namespace first (it grants the rights for the
// rest), the mount namespace last (after it, host paths to /proc/PID/ns/* no
// longer resolve).
export const JOIN_ORDER: NamespaceType[] = ['user', 'ipc', 'uts', 'network', 'pid', 'cgroup', 'time', 'mount'];

export interface NamespacePlan {
  // Run by the helper before the clone: joins, and a new time namespace.
  beforeClone: PlanOp[];
  cloneFlags: number;
  created: NamespaceType[];
  // Run by the init first, in its cgroup: the cgroup namespace.
  afterCgroup: PlanOp[];
  has: (t: NamespaceType) => boolean;
  isNew: (t: NamespaceType) => boolean;
}

export function planNamespaces(spec: Spec): NamespacePlan {
  const list = spec.linux?.namespaces ?? [];
  const byType = new Map(list.map((n, i) => [n.type, { ns: n, field: `linux.namespaces[${i}]` }]));
  const beforeClone: PlanOp[] = [];
  const afterCgroup: PlanOp[] = [];
  const created: NamespaceType[] = [];
  let cloneFlags = 0;

  for (const type of JOIN_ORDER) {
    const entry = byType.get(type);
    if (!entry) continue;
    if (entry.ns.path && type === 'cgroup') {
      // In the init, like a new one: the helper clones the init into its
      // cgroup2 directory, which the kernel refuses (ENOENT) from inside a
      // cgroup namespace that does not hold the helper's own cgroup.
      afterCgroup.push(op.setns(entry.ns.path, FLAG[type], type, `${entry.field}.path`));
    } else if (entry.ns.path) {
      beforeClone.push(op.setns(entry.ns.path, FLAG[type], type, `${entry.field}.path`));
    } else if (type === 'time') {
      // A new time namespace takes its offsets before any process is in it,
      // so the helper unshares it for its children and writes them first.
      beforeClone.push(op.unshare(CLONE.NEWTIME, 'time namespace for the init', entry.field));
      const offsets = spec.linux?.timeOffsets ?? {};
      const lines = Object.entries(offsets).map(([clock, o]) => `${clock} ${o.secs ?? 0} ${o.nanosecs ?? 0}`);
      if (lines.length) beforeClone.push(op.writeFile('/proc/self/timens_offsets', lines.join('\n'), 'linux.timeOffsets'));
      created.push(type);
    } else if (type === 'cgroup') {
      // Unshared by the init once it is in its cgroup, so that cgroup becomes its root.
      afterCgroup.push(op.unshare(CLONE.NEWCGROUP, 'cgroup namespace rooted at the container cgroup', entry.field));
      created.push(type);
    } else {
      cloneFlags |= FLAG[type];
      created.push(type);
    }
  }
  return {
    beforeClone,
    cloneFlags,
    created,
    afterCgroup,
    has: (t) => byType.has(t),
    isNew: (t) => byType.has(t) && !byType.get(t)!.ns.path,
  };
}
