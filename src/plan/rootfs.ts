import { posix, resolve } from 'node:path';
import { cgroupDir, type Hierarchy } from '../cgroups/layout';
import type { Mount } from '../spec/types';
import type { CompileInput } from './context';
import { ConfigError } from './context';
import { deviceOps } from './devices';
import { MS } from './linux-constants';
import { parseMountOptions, PROPAGATION } from './mount-options';
import { op } from './ops';
import type { PlanOp } from './types';

// Flags that only a remount can apply to a bind mount.
const BIND_REMOUNT_FLAGS = MS.RDONLY | MS.NOSUID | MS.NODEV | MS.NOEXEC | MS.NOATIME | MS.NODIRATIME |
  MS.RELATIME | MS.STRICTATIME | MS.NOSYMFOLLOW;

// A destination as an absolute, normalised path without a trailing slash.
export function containerPath(p: string): string {
  const n = posix.normalize('/' + p);
  return n.length > 1 && n.endsWith('/') ? n.slice(0, -1) : n;
}

// The mounts of config.json, in order, all resolved inside the rootfs.
function mountOps(m: Mount, index: number, input: CompileInput): PlanOp[] {
  const field = `mounts[${index}]`;
  const target = containerPath(m.destination);
  const opts = parseMountOptions(m.options);
  const ops: PlanOp[] = [];
  const bind = opts.bind || m.type === 'bind';
  if (opts.copyUp && (bind || m.type !== 'tmpfs')) throw new ConfigError(`${field}.options`, `tmpcopyup is for tmpfs mounts, not ${bind ? 'bind' : m.type}`);

  if (m.type === 'cgroup' && !bind) {
    ops.push(...cgroupMountOps(target, opts.flags, input, field));
  } else if (bind) {
    if (!m.source) throw new ConfigError(`${field}.source`, 'a bind mount needs a source');
    const source = resolve(input.bundle, m.source);
    const kind = input.host.statKind(source);
    if (kind === 'missing') throw new ConfigError(`${field}.source`, `${source} does not exist`);
    ops.push(op.mkdirs(target, 0o755, kind === 'file', field));
    ops.push(op.mount({ source, target, inRoot: true, flags: MS.BIND | (opts.recursive ? MS.REC : 0) }, field,
      `bind ${source} onto ${target}${opts.recursive ? ' recursively' : ''}`));
    const extra = opts.flags & BIND_REMOUNT_FLAGS;
    if (extra) ops.push(op.mount({ target, inRoot: true, flags: MS.REMOUNT | MS.BIND | extra }, field));
  } else {
    // The tmpfs op makes its own directory: whether one was there decides its mode.
    if (m.type !== 'tmpfs') ops.push(op.mkdirs(target, 0o755, false, field));
    // A rootfs that makes /proc or /sys a symlink must not move them elsewhere.
    const noSymlinks = m.type === 'proc' || m.type === 'sysfs';
    const data = [...opts.data];
    // linux.mountLabel labels the filesystems tsrun creates (not procfs, sysfs or cgroups, which have their own).
    const label = input.spec.linux?.mountLabel;
    if (label && !['proc', 'sysfs', 'cgroup', 'cgroup2'].includes(m.type ?? '')) data.push(`context="${label}"`);
    if (m.type === 'tmpfs') ops.push(op.mountTmpfs(m.source || 'tmpfs', target, opts.flags, data.join(','), opts.copyUp, field));
    else ops.push(op.mount({ source: m.source || m.type, target, inRoot: true, noSymlinks, fstype: m.type, flags: opts.flags, data: data.join(',') }, field));
  }
  const { set, clear } = opts.recursiveAttr;
  if (set || clear) ops.push(op.mountSetattr(target, set, clear, field));
  for (const p of opts.propagation) ops.push(op.mount({ target, inRoot: true, flags: p }, field));
  return ops;
}

// A `cgroup` mount. On a cgroup2-only host it is cgroup2 (with a cgroup
// namespace it shows the container's subtree). On v1 and hybrid hosts it is a
// tmpfs holding each hierarchy's container directory, bound from the host,
// which is what the container would see as its whole tree.
function cgroupMountOps(target: string, flags: number, input: CompileInput, field: string): PlanOp[] {
  const { mode, hierarchies } = input.host.cgroupLayout;
  const ops: PlanOp[] = [op.mkdirs(target, 0o755, false, field)];
  const ownDir = (h: Hierarchy) => cgroupDir(h, input.cgroupPath);
  const roFlags = flags & (MS.RDONLY | MS.NOSUID | MS.NODEV | MS.NOEXEC);
  if (mode === 'unified') {
    const h = hierarchies[0];
    ops.push(op.mount({ source: ownDir(h), target, inRoot: true, flags: MS.BIND | MS.REC }, field, `bind the container's cgroup ${ownDir(h)} onto ${target}`));
    ops.push(op.mount({ target, inRoot: true, flags: MS.REMOUNT | MS.BIND | roFlags }, field));
    return ops;
  }
  ops.push(op.mount({ source: 'tmpfs', target, inRoot: true, fstype: 'tmpfs', flags: MS.NOSUID | MS.NODEV | MS.NOEXEC, data: 'mode=755' }, field));
  for (const h of hierarchies) {
    const name = h.version === 2 ? 'unified' : h.controllers.join(',').replace(/^name=/, '');
    const sub = posix.join(target, name);
    ops.push(op.mkdirs(sub, 0o755, false, field));
    ops.push(op.mount({ source: ownDir(h), target: sub, inRoot: true, flags: MS.BIND | MS.REC }, field, `bind the container's cgroup ${ownDir(h)} onto ${sub}`));
    ops.push(op.mount({ target: sub, inRoot: true, flags: MS.REMOUNT | MS.BIND | roFlags }, field));
    // cpu,cpuacct is also reachable as cpu and cpuacct.
    if (h.controllers.length > 1) {
      for (const c of h.controllers) ops.push(op.symlink(name, posix.join(target, c), field));
    }
  }
  if (flags & MS.RDONLY) ops.push(op.mount({ target, inRoot: true, flags: MS.REMOUNT | MS.RDONLY | MS.NOSUID | MS.NODEV | MS.NOEXEC }, field, `make the cgroup tmpfs ${target} read-only`));
  return ops;
}

// Everything between the clone and the process settings: the rootfs made a
// mount point, the mounts, /dev, pivot_root, read-only and masked paths.
// `beforePivot` (hooks) is placed after the mounts and before pivot_root; `afterPivot`
// (sysctls) before the read-only paths can get in its way.
export function rootfsOps(input: CompileInput, inUserNs: boolean, beforePivot: PlanOp[], afterPivot: PlanOp[]): PlanOp[] {
  const { spec, rootfs } = input;
  const mounts = spec.mounts ?? [];
  const ops: PlanOp[] = [];
  const propName = spec.linux?.rootfsPropagation;
  const rootProp = propName ? PROPAGATION[propName] : MS.SLAVE | MS.REC;
  if (rootProp === undefined) throw new ConfigError('linux.rootfsPropagation', `unknown propagation ${propName}`);

  // No mount namespace of its own: the mounts are made in tsrun's (delete
  // removes them), so nothing here may change the propagation of the host's.
  const ownMountNs = (spec.linux?.namespaces ?? []).some((n) => n.type === 'mount');
  // An unbindable root could not be bound onto itself: private until after pivot_root.
  const beforePivotProp = rootProp & MS.UNBINDABLE ? (rootProp & ~MS.UNBINDABLE) | MS.PRIVATE : rootProp;
  if (ownMountNs) {
    ops.push(op.mount({ target: '/', inRoot: false, flags: beforePivotProp }, 'linux.rootfsPropagation',
      `make every mount ${propName ?? 'rslave'} so that nothing the container mounts reaches the host`));
  }
  const parent = ownMountNs ? sharedParentMount(input, rootProp) : undefined;
  if (parent) {
    ops.push(op.mount({ target: parent, inRoot: false, flags: MS.PRIVATE }, 'linux.rootfsPropagation',
      `make ${parent} private: pivot_root refuses a new root whose parent mount is shared`));
  }
  ops.push(op.mount({ source: rootfs, target: rootfs, inRoot: false, flags: MS.BIND | MS.REC }, 'root.path',
    `bind ${rootfs} onto itself so that it is a mount point`));
  ops.push(op.openRoot(rootfs, 'root.path'));

  mounts.forEach((m, i) => ops.push(...mountOps(m, i, input)));

  // runc's rule: /dev is populated unless the config binds it from elsewhere.
  const devBound = mounts.some((m) => containerPath(m.destination) === '/dev' && (m.type === 'bind' || parseMountOptions(m.options).bind));
  if (!devBound) {
    const hasDevPts = mounts.some((m) => containerPath(m.destination) === '/dev/pts');
    ops.push(...deviceOps(spec.linux?.devices ?? [], inUserNs, hasDevPts));
  }

  ops.push(...beforePivot);

  if (!ownMountNs) ops.push(op.chroot(rootfs, 'linux.namespaces'));
  else ops.push(input.noPivot ? op.moveRoot(rootfs) : op.pivotRoot(rootfs));
  if (propName && ownMountNs) {
    ops.push(op.mount({ target: '/', inRoot: false, flags: rootProp }, 'linux.rootfsPropagation', `make the new root ${propName}`));
  }
  ops.push(op.openRoot('/', 'root.path'));
  ops.push(...afterPivot);

  spec.linux?.readonlyPaths?.forEach((p, i) => ops.push(op.readonlyPath(containerPath(p), `linux.readonlyPaths[${i}]`)));
  spec.linux?.maskedPaths?.forEach((p, i) => ops.push(op.maskPath(containerPath(p), `linux.maskedPaths[${i}]`)));

  if (spec.root?.readonly) {
    ops.push(op.mount({ target: '/', inRoot: false, flags: MS.REMOUNT | MS.BIND | MS.RDONLY }, 'root.readonly', 'remount the root read-only'));
  }
  return ops;
}

// The mount the rootfs is on, when it will be shared in the container's
// mount namespace: after a shared propagation, or after a non-recursive one
// that leaves the host's shared mounts as they are. Non-recursive: only the
// host can say.
function sharedParentMount(input: CompileInput, rootProp: number): string | undefined {
  const shared = (rootProp & MS.SHARED) !== 0;
  if (input.noPivot || (!shared && rootProp & MS.REC)) return undefined;
  const m = input.host.mountOf?.(input.rootfs);
  if (!m) return undefined;
  return shared || (m.shared && m.mountPoint !== '/') ? m.mountPoint : undefined;
}
