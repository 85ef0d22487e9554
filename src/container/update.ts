// update: change the cgroup limits of a running (or created, or paused)
// container, as `runc update` does, and keep them in the state record so
// that later updates and `events --stats` start from them.
//
// What update changes, and how a value means "leave it" (runc's rules, so
// that dockerd's {"memory":{"limit":N,"reservation":0,...}} works):
//   memory.limit, reservation, swap, kernel, kernelTCP  0 = unchanged, -1 = no limit
//     (limit -1 without a swap value: swap -1 too)
//   cpu.shares, quota, period, realtimeRuntime, realtimePeriod  0 = unchanged
//   cpu.cpus, cpu.mems  "" = unchanged;  cpu.burst, cpu.idle  set when present
//   blockIO.weight  0 = unchanged;  pids.limit  set when present (0 is a limit, -1 none)
//   memory.checkBeforeUpdate  for this update;  unified  keys merged over the old ones
// Anything else in the JSON (device rules, huge pages, throttling, ...) is
// not changed by update; it is reported as a warning, as runc ignores it.
import { applyResources } from '../cgroups/apply';
import { Cgroup } from '../cgroups/manager';
import { detectLayout } from '../cgroups/layout';
import type { Resources } from '../cgroups/resources';
import { deprecatedResources } from '../spec/unsupported';
import { validateConfig } from '../spec/validate';
import { UserError } from '../util/errors';
import { ContainerDir, statusOf } from './record';

// The fields update writes; those marked "present" are set whenever given,
// the others only when not zero (or "").
const SCOPE: Record<string, string[]> = {
  memory: ['limit', 'reservation', 'swap', 'kernel', 'kernelTCP'],
  cpu: ['shares', 'quota', 'period', 'realtimeRuntime', 'realtimePeriod', 'cpus', 'mems', 'burst', 'idle'],
  blockIO: ['weight'],
  pids: ['limit'],
};
const SET_IF_PRESENT = ['cpu.burst', 'cpu.idle', 'pids.limit'];

type Obj = Record<string, unknown>;
const given = (v: unknown) => v !== undefined && v !== null;

// The resources after the update (stored), what update writes to the
// cgroup (its own fields at their new or kept values), and the fields of
// the patch it leaves alone.
export function mergeUpdate(old: Resources, patch: Resources): { merged: Resources; apply: Resources; ignored: string[] } {
  const merged = structuredClone(old) as Record<string, Obj>;
  const ignored: string[] = [];
  let check: unknown;
  for (const [key, value] of Object.entries(patch as Record<string, Obj>)) {
    if (!given(value)) continue;
    if (key === 'unified') {
      merged.unified = { ...(merged.unified ?? {}), ...value };
      continue;
    }
    if (!SCOPE[key]) {
      ignored.push(`linux.resources.${key}`);
      continue;
    }
    const into = { ...(merged[key] ?? {}) };
    for (const [k, v] of Object.entries(value)) {
      const field = `${key}.${k}`;
      if (field === 'memory.checkBeforeUpdate') check = v;
      else if (!SCOPE[key].includes(k)) ignored.push(`linux.resources.${field}`);
      else if (SET_IF_PRESENT.includes(field) ? given(v) : given(v) && v !== 0 && v !== '') into[k] = v;
    }
    // No memory limit and no swap value given: no swap limit either (as
    // runc), since memory+swap cannot stay below an unlimited memory.
    if (key === 'memory' && value.limit === -1 && !value.swap && into.swap !== undefined) into.swap = -1;
    if (Object.keys(into).length) merged[key] = into;
  }
  const apply: Record<string, Obj> = {};
  for (const [key, keys] of Object.entries(SCOPE)) {
    const part = Object.fromEntries(keys.filter((k) => given(merged[key]?.[k])).map((k) => [k, merged[key][k]]));
    if (Object.keys(part).length) apply[key] = part;
  }
  // checkBeforeUpdate is about this update only: used, not stored.
  if (given(check)) apply.memory = { ...(apply.memory ?? {}), checkBeforeUpdate: check };
  if (merged.unified) apply.unified = merged.unified;
  return { merged: merged as Resources, apply: apply as Resources, ignored };
}

// Checks the JSON of --resources against the config schema's linux.resources.
export function checkResources(value: unknown): Resources {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) throw new UserError('update: the resources must be a JSON object (runtime-spec linux.resources)');
  const problems = validateConfig({ ociVersion: '1.3.0', root: { path: 'rootfs' }, linux: { resources: value } })
    .filter((m) => m.startsWith('linux.resources'))
    .map((m) => m.replace(/^linux\.resources\.?/, ''));
  if (problems.length) throw new UserError(`update: bad resources: ${problems.join('; ')}`);
  return value as Resources;
}

export function updateContainer(root: string, id: string, patch: Resources, warn: (msg: string) => void): Resources {
  const dir = new ContainerDir(root, id);
  const unlock = dir.lock();
  try {
    const r = dir.read();
    const status = statusOf(dir, r);
    if (status === 'stopped' || status === 'creating') throw new UserError(`cannot update container ${id}: it is ${status}`);
    const { merged, apply, ignored } = mergeUpdate((r.spec.linux?.resources ?? {}) as Resources, patch);
    for (const field of ignored) warn(`update: ${field} is not changed by update; ignored`);
    deprecatedResources(patch).forEach((m) => warn(`update: ${m}`));
    applyResources(new Cgroup(detectLayout(), r.cgroupPath), apply, { update: true });
    dir.write({ ...r, spec: { ...r.spec, linux: { ...r.spec.linux, resources: merged as Record<string, unknown> } } });
    return merged;
  } finally {
    unlock();
  }
}
