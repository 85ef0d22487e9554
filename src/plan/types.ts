import { Op } from '../native/protocol';

// An argument of a plan op: numbers and bigints are i64, strings are
// NUL-terminated, Buffers are raw bytes, string arrays are argv/envp.
export type PlanArg = number | bigint | string | Buffer | string[];

export interface PlanOp {
  code: Op;
  args: PlanArg[];
  // The config.json field this step comes from, for error messages ("mounts[3]").
  field: string;
  // What the step does, in words a person reads ("mount tmpfs on /dev/shm").
  step: string;
}

// What tsrun must do itself when the init reaches a sync point.
export interface Plan {
  ops: PlanOp[];
  // Whether the helper stays the init's parent and reports its exit (run in the foreground).
  waitForInit: boolean;
}
