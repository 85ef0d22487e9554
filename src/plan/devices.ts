import { posix } from 'node:path';
import type { Device } from '../spec/types';
import { MS, S_IFBLK, S_IFCHR, S_IFIFO } from './linux-constants';
import { op } from './ops';
import type { PlanOp } from './types';

// The devices every container gets (runtime-spec "Default Devices").
export const DEFAULT_DEVICES: readonly Device[] = [
  { path: '/dev/null', type: 'c', major: 1, minor: 3, fileMode: 0o666, uid: 0, gid: 0 },
  { path: '/dev/zero', type: 'c', major: 1, minor: 5, fileMode: 0o666, uid: 0, gid: 0 },
  { path: '/dev/full', type: 'c', major: 1, minor: 7, fileMode: 0o666, uid: 0, gid: 0 },
  { path: '/dev/random', type: 'c', major: 1, minor: 8, fileMode: 0o666, uid: 0, gid: 0 },
  { path: '/dev/urandom', type: 'c', major: 1, minor: 9, fileMode: 0o666, uid: 0, gid: 0 },
  { path: '/dev/tty', type: 'c', major: 5, minor: 0, fileMode: 0o666, uid: 0, gid: 0 },
];

const TYPE_BITS: Record<Device['type'], number> = { c: S_IFCHR, u: S_IFCHR, b: S_IFBLK, p: S_IFIFO };

const DEV_LINKS: [string, string][] = [
  ['/proc/self/fd', '/dev/fd'],
  ['/proc/self/fd/0', '/dev/stdin'],
  ['/proc/self/fd/1', '/dev/stdout'],
  ['/proc/self/fd/2', '/dev/stderr'],
];

// Device nodes inside the rootfs. In a user namespace mknod is not allowed,
// so the host's node is bind-mounted onto an empty file instead.
export function deviceOps(devices: readonly Device[], inUserNs: boolean, hasDevPts: boolean): PlanOp[] {
  const ops: PlanOp[] = [];
  // Config devices replace default ones at the same path.
  const configured = new Map(devices.map((d, i) => [posix.normalize(d.path), { d, field: `linux.devices[${i}]` }]));
  const all = [
    ...DEFAULT_DEVICES.filter((d) => !configured.has(d.path)).map((d) => ({ d, field: 'default devices' })),
    ...configured.values(),
  ];
  for (const { d, field } of all) {
    const path = posix.normalize(d.path);
    if (inUserNs) {
      ops.push(op.mkdirs(path, 0o755, true, field));
      ops.push(op.mount({ source: path, target: path, inRoot: true, flags: MS.BIND }, field, `bind the host's ${path} onto ${path}`));
    } else {
      const dir = posix.dirname(path);
      if (dir !== '/dev') ops.push(op.mkdirs(dir, 0o755, false, field));
      const mode = TYPE_BITS[d.type] | (d.fileMode ?? 0o666);
      ops.push(op.mknod(path, mode, d.major ?? 0, d.minor ?? 0, d.uid ?? 0, d.gid ?? 0, field));
    }
  }
  for (const [target, link] of DEV_LINKS) ops.push(op.symlink(target, link, 'default devices'));
  if (hasDevPts) ops.push(op.symlink('pts/ptmx', '/dev/ptmx', 'default devices'));
  return ops;
}
