import { detectLayout } from '../cgroups/layout';
import { findFreezer, freeze, thaw } from '../cgroups/freezer';
import { UserError } from '../util/errors';
import { ContainerDir, statusOf, type ContainerRecord } from './record';

function freezerOf(id: string, r: ContainerRecord) {
  const f = findFreezer(detectLayout(), r.cgroupPath);
  if (!f) throw new UserError(`cannot pause or resume container ${id}: this host has no cgroup freezer (no v1 freezer hierarchy and no cgroup2 mount)`);
  return f;
}

// pause: freeze every process of the container (runc allows this for a
// created container too; `state` then says paused until resume).
export function pauseContainer(root: string, id: string): void {
  const dir = new ContainerDir(root, id);
  const unlock = dir.lock();
  try {
    const r = dir.read();
    const status = statusOf(dir, r);
    if (status !== 'running' && status !== 'created') {
      throw new UserError(`cannot pause container ${id}: it is ${status}, not running`);
    }
    freeze(freezerOf(id, r));
  } finally {
    unlock();
  }
}

export function resumeContainer(root: string, id: string): void {
  const dir = new ContainerDir(root, id);
  const unlock = dir.lock();
  try {
    const r = dir.read();
    const status = statusOf(dir, r);
    if (status !== 'paused') throw new UserError(`cannot resume container ${id}: it is ${status}, not paused`);
    thaw(freezerOf(id, r));
  } finally {
    unlock();
  }
}
