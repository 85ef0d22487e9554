import { readFileSync } from 'node:fs';

// One line of /proc/PID/mountinfo.
export interface MountEntry {
  id: number;
  root: string;
  mountPoint: string;
  // Optional fields: "shared:N", "master:N", "propagate_from:N", "unbindable".
  optional: string[];
  fstype: string;
  superOptions: string;
}

// mountinfo escapes spaces and other bytes in paths as \ooo.
function unescape(s: string): string {
  return s.replace(/\\([0-7]{3})/g, (_, o) => String.fromCharCode(parseInt(o, 8)));
}

export function parseMountinfo(text = readFileSync('/proc/self/mountinfo', 'utf8')): MountEntry[] {
  const entries: MountEntry[] = [];
  for (const line of text.split('\n')) {
    const sep = line.indexOf(' - ');
    if (sep < 0) continue;
    const left = line.slice(0, sep).split(' ');
    const [fstype, , superOptions = ''] = line.slice(sep + 3).split(' ');
    entries.push({ id: Number(left[0]), root: unescape(left[3]), mountPoint: unescape(left[4]), optional: left.slice(6), fstype, superOptions });
  }
  return entries;
}

// Whether `path` is `dir` or below it (both absolute, normalised).
export function isAtOrUnder(path: string, dir: string): boolean {
  return dir === '/' || path === dir || path.startsWith(dir + '/');
}

// The mount that `path` (absolute, symlinks resolved) is on: the last one
// mounted at the longest mount point that is the path or one of its parents.
export function mountUnder(path: string, entries: MountEntry[]): MountEntry | undefined {
  let best: MountEntry | undefined;
  for (const m of entries) {
    const inside = isAtOrUnder(path, m.mountPoint);
    if (inside && (!best || m.mountPoint.length >= best.mountPoint.length)) best = m;
  }
  return best;
}
