import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { UserError, errorCode } from '../util/errors';
import { sleepSync } from '../util/sleep';
import { cgroupDir, detectLayout, type CgroupLayout } from './layout';

// The cgroup freezer behind pause and resume. Two interfaces, detected:
//
//   v1: the freezer controller's freezer.state, written FROZEN or THAWED; it
//       reads FREEZING until every task is frozen, then FROZEN.
//   v2: cgroup.freeze (a core file of every non-root cgroup2 directory),
//       written 1 or 0; cgroup.events says "frozen 1" once it took effect.
//
// A v1 freezer hierarchy wins when one is mounted (hybrid and legacy hosts,
// as runc does there); otherwise the cgroup2 directory is used.
export interface Freezer {
  version: 1 | 2;
  dir: string;
}

export type FreezerState = 'frozen' | 'freezing' | 'thawed';

export function findFreezer(layout: CgroupLayout, path: string): Freezer | undefined {
  const v1 = layout.hierarchies.find((h) => h.version === 1 && h.controllers.includes('freezer'));
  if (v1) return { version: 1, dir: cgroupDir(v1, path) };
  const v2 = layout.hierarchies.find((h) => h.version === 2);
  if (v2) return { version: 2, dir: cgroupDir(v2, path) };
  return undefined;
}

function readOr(file: string): string | undefined {
  try {
    return readFileSync(file, 'utf8');
  } catch {
    return undefined;
  }
}

// "frozen 1" from cgroup.events (a flat keyed file).
export function eventsFrozen(events: string): boolean {
  return /^frozen 1$/m.test(events);
}

// The state the freezer reports; undefined when the cgroup or its freezer
// file is missing (a container whose cgroup is gone is not paused).
export function freezerState(f: Freezer): FreezerState | undefined {
  if (f.version === 1) {
    const s = readOr(join(f.dir, 'freezer.state'))?.trim();
    if (s === 'FROZEN') return 'frozen';
    if (s === 'FREEZING') return 'freezing';
    return s === 'THAWED' ? 'thawed' : undefined;
  }
  // cgroup.freeze is what was asked for; cgroup.events whether it is done.
  const wanted = readOr(join(f.dir, 'cgroup.freeze'))?.trim();
  if (wanted === undefined) return undefined;
  if (wanted === '0') return 'thawed';
  return eventsFrozen(readOr(join(f.dir, 'cgroup.events')) ?? '') ? 'frozen' : 'freezing';
}

// Whether a container's cgroup is frozen or being frozen: that is "paused".
// Cheap (mountinfo and one small file), since `state` calls it.
export function isPaused(path: string, layout: CgroupLayout = detectLayout()): boolean {
  const f = findFreezer(layout, path);
  const s = f && freezerState(f);
  return s === 'frozen' || s === 'freezing';
}

function write(f: Freezer, frozen: boolean): void {
  const [file, value] = f.version === 1 ? ['freezer.state', frozen ? 'FROZEN' : 'THAWED'] : ['cgroup.freeze', frozen ? '1' : '0'];
  try {
    writeFileSync(join(f.dir, file), value);
  } catch (e) {
    if (errorCode(e) === 'ENOENT') throw new UserError(`cgroup freezer: ${join(f.dir, file)} does not exist`);
    throw new UserError(`cgroup freezer: cannot write ${value} to ${join(f.dir, file)}: ${(e as Error).message}`);
  }
}

// Freezes and waits until every task is frozen. v1 can stay FREEZING while a
// task sleeps uninterruptibly; the write is repeated (which retries the
// tasks left), and after timeoutMs the cgroup is thawed again and this fails.
export function freeze(f: Freezer, timeoutMs = 5_000): void {
  const deadline = Date.now() + timeoutMs;
  write(f, true);
  for (let round = 1; freezerState(f) !== 'frozen'; round++) {
    if (Date.now() > deadline) {
      try { write(f, false); } catch { /* reported below */ }
      throw new UserError(`cgroup freezer: ${f.dir} did not freeze within ${timeoutMs} ms`);
    }
    sleepSync(Math.min(round, 10));
    if (f.version === 1 && round % 20 === 0) write(f, true);
  }
}

export function thaw(f: Freezer, timeoutMs = 5_000): void {
  const deadline = Date.now() + timeoutMs;
  write(f, false);
  for (let round = 1; freezerState(f) !== 'thawed'; round++) {
    if (Date.now() > deadline) throw new UserError(`cgroup freezer: ${f.dir} did not thaw within ${timeoutMs} ms`);
    sleepSync(Math.min(round, 10));
  }
}

// For kill and delete: a frozen v1 task does not act on SIGKILL until it is
// thawed, so after sending it the cgroup is thawed; errors do not matter here.
export function thawQuietly(path: string, layout: CgroupLayout = detectLayout()): void {
  const f = findFreezer(layout, path);
  if (!f || freezerState(f) === 'thawed' || freezerState(f) === undefined) return;
  try {
    write(f, false);
  } catch {
    /* the cgroup went away */
  }
}
