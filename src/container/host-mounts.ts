// A container without a mount namespace of its own makes its mounts (the
// rootfs bound onto itself, /proc, /dev, ...) in tsrun's, on the host. create
// records which mounts were under the rootfs before; destroy detaches every
// other one, so that nothing is left behind.
import { realpathSync } from 'node:fs';
import { helperPath } from '../native/helper-path';
import { UserError } from '../util/errors';
import { isAtOrUnder, parseMountinfo } from '../util/mountinfo';
import { childProcess } from '../util/child-process';

export interface HostMounts {
  // The rootfs, symlinks resolved.
  under: string;
  // Ids of the mounts at or under it before create.
  before: number[];
}

export function hostMountsBefore(rootfs: string): HostMounts {
  const under = realpathSync(rootfs);
  if (under === '/') throw new UserError('root.path: without a mount namespace of its own the container\'s mounts would be made over the host\'s /');
  return { under, before: parseMountinfo().filter((e) => isAtOrUnder(e.mountPoint, under)).map((e) => e.id) };
}

// The newest first, so that each is on top where it is detached.
export function unmountAdded(m: HostMounts): void {
  const added = parseMountinfo().filter((e) => isAtOrUnder(e.mountPoint, m.under) && !m.before.includes(e.id)).reverse();
  if (!added.length) return;
  const r = childProcess().spawnSync(helperPath(), ['unmount', ...added.map((e) => e.mountPoint)], { encoding: 'utf8', env: {} });
  if (r.error || r.status !== 0) throw new UserError(`cannot unmount what the container mounted under ${m.under}: ${(r.stderr || r.error?.message || '').trim()}`);
}
