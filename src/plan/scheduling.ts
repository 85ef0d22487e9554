import type { Process, Spec } from '../spec/types';
import { ConfigError } from './context';
import { op } from './ops';
import type { PlanOp } from './types';

// linux.personality, process.ioPriority and process.scheduler: names to the
// numbers of personality(2), ioprio_set(2) and sched_setattr(2).

const PERSONALITY: Record<string, number> = { LINUX: 0x0000, LINUX32: 0x0008 };
const IOPRIO_CLASS: Record<string, number> = { IOPRIO_CLASS_RT: 1, IOPRIO_CLASS_BE: 2, IOPRIO_CLASS_IDLE: 3 };
const SCHED_POLICY: Record<string, number> = {
  SCHED_OTHER: 0, SCHED_FIFO: 1, SCHED_RR: 2, SCHED_BATCH: 3, SCHED_ISO: 4, SCHED_IDLE: 5, SCHED_DEADLINE: 6,
};
const SCHED_FLAG: Record<string, number> = {
  SCHED_FLAG_RESET_ON_FORK: 0x01, SCHED_FLAG_RECLAIM: 0x02, SCHED_FLAG_DL_OVERRUN: 0x04, SCHED_FLAG_KEEP_POLICY: 0x08,
  SCHED_FLAG_KEEP_PARAMS: 0x10, SCHED_FLAG_UTIL_CLAMP_MIN: 0x20, SCHED_FLAG_UTIL_CLAMP_MAX: 0x40,
};

interface Scheduler {
  policy: string; nice?: number; priority?: number; flags?: string[]; runtime?: number; deadline?: number; period?: number;
}

function lookup(table: Record<string, number>, name: string, field: string): number {
  const n = table[name];
  if (n === undefined) throw new ConfigError(field, `unknown value ${JSON.stringify(name)}; known: ${Object.keys(table).join(', ')}`);
  return n;
}

export function schedulingOps(spec: Spec, p: Process | undefined): PlanOp[] {
  const ops: PlanOp[] = [];
  const pers = spec.linux?.personality;
  if (pers) {
    if (pers.flags?.length) throw new ConfigError('linux.personality.flags', 'no personality flags are defined by runtime-spec');
    const n = lookup(PERSONALITY, pers.domain, 'linux.personality.domain');
    ops.push(op.personality(n, pers.domain));
  }
  if (p?.ioPriority) {
    const cls = lookup(IOPRIO_CLASS, p.ioPriority.class, 'process.ioPriority.class');
    ops.push(op.ioprio((cls << 13) | (p.ioPriority.priority ?? 0), `${p.ioPriority.class} level ${p.ioPriority.priority ?? 0}`));
  }
  const s = p?.scheduler as Scheduler | undefined;
  if (s) {
    const policy = lookup(SCHED_POLICY, s.policy, 'process.scheduler.policy');
    const flags = (s.flags ?? []).reduce((acc, f, i) => acc | lookup(SCHED_FLAG, f, `process.scheduler.flags[${i}]`), 0);
    ops.push(op.sched([policy, flags, s.nice ?? 0, s.priority ?? 0, s.runtime ?? 0, s.deadline ?? 0, s.period ?? 0], s.policy));
  }
  return ops;
}
