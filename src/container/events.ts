import { detectLayout } from '../cgroups/layout';
import { Cgroup } from '../cgroups/manager';
import { oomCount, readStats, statSources, statsJson, type Num, type Stats } from '../cgroups/stats';
import { UserError } from '../util/errors';
import { ContainerDir, statusOf, type ContainerRecord } from './record';

// The events runc's `events` prints, one JSON object a line.
export type ContainerEvent = { type: 'stats'; id: string; data: Stats } | { type: 'oom'; id: string };

function openContainer(root: string, id: string): { dir: ContainerDir; r: ContainerRecord; cgroup: Cgroup } {
  const dir = new ContainerDir(root, id);
  const r = dir.read();
  const status = statusOf(dir, r);
  if (status === 'stopped') throw new UserError(`cannot read events of container ${id}: it is stopped`);
  return { dir, r, cgroup: new Cgroup(detectLayout(), r.cgroupPath) };
}

export function statsEvent(root: string, id: string): string {
  const { cgroup } = openContainer(root, id);
  return statsJson({ type: 'stats', id, data: readStats(statSources(cgroup)) } satisfies ContainerEvent);
}

const more = (a: Num | undefined, b: Num | undefined) => a !== undefined && b !== undefined && BigInt(a) > BigInt(b);

// Prints a stats event every interval and an oom event when the memory
// cgroup's OOM counter goes up (looked at every tickMs), until the
// container stops or is deleted. The first stats come after one interval,
// as with runc.
export async function watchEvents(root: string, id: string, intervalMs: number, emit: (line: string) => void, tickMs = 200): Promise<void> {
  const { dir, r, cgroup } = openContainer(root, id);
  const sources = statSources(cgroup);
  let ooms = oomCount(sources);
  let next = Date.now() + intervalMs;
  for (;;) {
    await new Promise((resolve) => setTimeout(resolve, Math.max(1, Math.min(tickMs, next - Date.now()))));
    const now = oomCount(sources);
    if (more(now, ooms)) emit(statsJson({ type: 'oom', id } satisfies ContainerEvent));
    if (now !== undefined) ooms = now;
    if (!dir.exists() || statusOf(dir, r) === 'stopped') return;
    if (Date.now() >= next) {
      emit(statsJson({ type: 'stats', id, data: readStats(sources) } satisfies ContainerEvent));
      next = Math.max(next + intervalMs, Date.now() + 1);
    }
  }
}
