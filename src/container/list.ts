import { readFileSync, readdirSync, statSync } from 'node:fs';
import { errorCode } from '../util/errors';
import { SPEC_VERSION } from './oci-state';
import { ContainerDir, checkId, statusOf, type Status } from './record';

// One container as `list --format json` prints it (runc's fields).
export interface ListEntry {
  ociVersion: string;
  id: string;
  pid: number;
  status: Status;
  bundle: string;
  rootfs: string;
  created: string;
  owner: string;
  annotations?: Record<string, string>;
}

// User names from /etc/passwd, read once; "#UID" for a uid it lacks (as runc).
function ownerNames(): (uid: number) => string {
  let names: Map<number, string> | undefined;
  return (uid) => {
    if (!names) {
      names = new Map();
      try {
        for (const line of readFileSync('/etc/passwd', 'utf8').split('\n')) {
          const [name, , id] = line.split(':');
          if (name && id !== undefined && !names.has(Number(id))) names.set(Number(id), name);
        }
      } catch {
        /* no passwd: numbers only */
      }
    }
    return names.get(uid) ?? `#${uid}`;
  };
}

const validId = (name: string) => {
  try {
    checkId(name);
    return true;
  } catch {
    return false;
  }
};

// Every container under the state root, by id. A missing root holds none.
// A directory without state.json (a create that has only claimed its id) is
// left out; an unreadable state.json is reported in `problems`.
export function listContainers(root: string): { entries: ListEntry[]; problems: string[] } {
  let names: string[];
  try {
    names = readdirSync(root, { withFileTypes: true }).filter((e) => e.isDirectory() && validId(e.name)).map((e) => e.name).sort();
  } catch (e) {
    if (errorCode(e) === 'ENOENT') return { entries: [], problems: [] };
    throw e;
  }
  const owner = ownerNames();
  const entries: ListEntry[] = [];
  const problems: string[] = [];
  for (const name of names) {
    const dir = new ContainerDir(root, name);
    try {
      if (!dir.exists()) continue;
      const r = dir.read();
      const status = statusOf(dir, r);
      const entry: ListEntry = {
        ociVersion: SPEC_VERSION, id: r.id, pid: status === 'stopped' ? 0 : r.pid, status,
        bundle: r.bundle, rootfs: r.rootfs, created: r.created, owner: owner(statSync(dir.dir).uid),
      };
      if (r.spec.annotations && Object.keys(r.spec.annotations).length) entry.annotations = r.spec.annotations;
      entries.push(entry);
    } catch (e) {
      if (errorCode(e) === 'ENOENT') continue; // deleted while we looked
      problems.push(`${name}: ${(e as Error).message}`);
    }
  }
  return { entries, problems };
}

// Columns as Go's tabwriter lays them out for runc (minimum width 12, three
// blanks of padding); the last column is not padded.
export function formatTable(rows: readonly (readonly string[])[]): string {
  const widths: number[] = [];
  for (const row of rows) row.forEach((cell, i) => { widths[i] = Math.max(widths[i] ?? 0, cell.length); });
  return rows.map((row) => row.map((cell, i) => (i === row.length - 1 ? cell : cell.padEnd(Math.max(12, widths[i] + 3)))).join('')).join('\n') + '\n';
}

export function listTable(entries: readonly ListEntry[]): string {
  return formatTable([
    ['ID', 'PID', 'STATUS', 'BUNDLE', 'CREATED', 'OWNER'],
    ...entries.map((e) => [e.id, String(e.pid), e.status, e.bundle, e.created, e.owner]),
  ]);
}
