import { readFileSync } from 'node:fs';

export interface ProcStat {
  state: string;
  startTime: string;
}

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
  const fields = text.slice(text.lastIndexOf(')') + 2).split(' ');
  return { state: fields[0], startTime: fields[19] };
}

// Alive means: exists, is the same process, and is not a zombie (a zombie has
// exited; on hosts whose pid 1 reaps slowly it lingers for seconds).
export function isAlive(pid: number, startTime: string): boolean {
  if (pid <= 0) return false;
  const st = readProcStat(pid);
  return st !== undefined && st.startTime === startTime && st.state !== 'Z' && st.state !== 'X';
}
