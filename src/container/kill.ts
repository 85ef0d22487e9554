import { Cgroup } from '../cgroups/manager';
import { detectLayout } from '../cgroups/layout';
import { thawQuietly } from '../cgroups/freezer';
import { UserError } from '../util/errors';
import { parseSignal } from '../util/signals';
import { ContainerDir, statusOf } from './record';

export function killContainer(root: string, id: string, signalText: string, all: boolean): void {
  const signal = parseSignal(signalText);
  const dir = new ContainerDir(root, id);
  const r = dir.read();
  const status = statusOf(dir, r);
  if (status === 'stopped' || status === 'creating') throw new UserError(`container ${id} is not running (${status})`);
  const layout = detectLayout();
  if (all) {
    for (const pid of new Cgroup(layout, r.cgroupPath).pids()) {
      try { process.kill(pid, signal); } catch { /* exited meanwhile */ }
    }
  } else {
    process.kill(r.pid, signal);
  }
  // A paused container keeps other signals pending until resume, as runc
  // does; SIGKILL must land now, and a task frozen by the v1 freezer only
  // acts on it once thawed.
  if (signal === SIGKILL && status === 'paused') thawQuietly(r.cgroupPath, layout);
}

const SIGKILL = 9;
