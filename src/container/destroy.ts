import { Cgroup } from '../cgroups/manager';
import { detectLayout } from '../cgroups/layout';
import { isPaused, thawQuietly } from '../cgroups/freezer';
import { unmountAdded } from './host-mounts';
import { isAlive } from './proc';
import type { ContainerDir, ContainerRecord } from './record';
import { sleepSync } from '../util/sleep';

function signalQuietly(pid: number, signal: NodeJS.Signals | number): void {
  try {
    process.kill(pid, signal);
  } catch {
    /* already gone */
  }
}

// Waits until the processes have exited (a zombie counts as exited).
export function waitForExit(alive: () => boolean, timeoutMs = 10_000): boolean {
  const deadline = Date.now() + timeoutMs;
  while (alive()) {
    if (Date.now() > deadline) return false;
    sleepSync(2);
  }
  return true;
}

// Kills whatever is left of a container and removes its cgroup and state
// directory. Used by delete and by a failed create.
export function destroyContainer(dir: ContainerDir, r: ContainerRecord, cgroup = new Cgroup(detectLayout(), r.cgroupPath)): void {
  // A paused container: every process gets SIGKILL while still frozen (so
  // none runs again), then the cgroup is thawed so that the kills land.
  if (isPaused(r.cgroupPath, cgroup.layout)) {
    for (const p of cgroup.pids()) signalQuietly(p, 'SIGKILL');
    thawQuietly(r.cgroupPath, cgroup.layout);
  }
  if (r.pid > 0 && isAlive(r.pid, r.pidStartTime)) {
    signalQuietly(r.pid, 'SIGKILL');
    waitForExit(() => isAlive(r.pid, r.pidStartTime));
  }
  // Processes that left the pid namespace's reach (no pid namespace, or exec'd ones).
  for (let round = 0; round < 100 && cgroup.pids().length; round++) {
    for (const p of cgroup.pids()) signalQuietly(p, 'SIGKILL');
    sleepSync(2);
  }
  if (r.hostMounts) unmountAdded(r.hostMounts);
  cgroup.remove();
  Cgroup.removeParents(r.cgroupParents ?? []);
  dir.remove();
}
