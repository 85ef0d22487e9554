import { Cgroup } from '../cgroups/manager';
import { detectLayout } from '../cgroups/layout';
import { UserError } from '../util/errors';
import { parseSignal } from '../util/signals';
import { ContainerDir, statusOf } from './record';

export function killContainer(root: string, id: string, signalText: string, all: boolean): void {
  const signal = parseSignal(signalText);
  const dir = new ContainerDir(root, id);
  const r = dir.read();
  const status = statusOf(dir, r);
  if (status === 'stopped' || status === 'creating') throw new UserError(`container ${id} is not running (${status})`);
  if (all) {
    for (const pid of new Cgroup(detectLayout(), r.cgroupPath).pids()) {
      try { process.kill(pid, signal); } catch { /* exited meanwhile */ }
    }
    return;
  }
  process.kill(r.pid, signal);
}
