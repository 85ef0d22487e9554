import { readFileSync } from 'node:fs';

export interface ProcStat {
  comm: string;
  state: string;
  startTime: string;
}

// The comm of tsrun-helper, which runs from a memfd: "memfd:tsrun-helper", cut to 15 bytes.
export const HELPER_COMM = 'memfd:tsrun-hel';

// The fields of /proc/PID/stat that tell whether a pid is still the process
// we started: its state letter and its start time (field 22), which guards
// against pid reuse.
export function readProcStat(pid: number): ProcStat | undefined {
  let text: string;
  try {
    text = readFileSync(`/proc/${pid}/stat`, 'latin1');
  } catch {
    return undefined;
  }
  // comm may hold spaces and parentheses; the fields start after the last ')'.
  const close = text.lastIndexOf(')');
  const fields = text.slice(close + 2).split(' ');
  return { comm: text.slice(text.indexOf('(') + 1, close), state: fields[0], startTime: fields[19] };
}

// Alive means: exists, is the same process, and is not a zombie (a zombie has
// exited; on hosts whose pid 1 reaps slowly it lingers for seconds).
export function isAlive(pid: number, startTime: string): boolean {
  if (pid <= 0) return false;
  const st = readProcStat(pid);
  return st !== undefined && st.startTime === startTime && st.state !== 'Z' && st.state !== 'X';
}
