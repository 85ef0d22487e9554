import { spawnSync } from 'node:child_process';
import { Cgroup } from '../cgroups/manager';
import { detectLayout } from '../cgroups/layout';
import { UserError } from '../util/errors';
import { ContainerDir } from './record';

// The host pids of every process in the container's cgroup (and below it),
// whatever the status: as with runc, a stopped container lists what is left,
// normally nothing.
export function containerPids(root: string, id: string): number[] {
  const r = new ContainerDir(root, id).read();
  return new Cgroup(detectLayout(), r.cgroupPath).allPids();
}

// Keeps the header of ps output and the lines whose PID column is one of
// `pids`. Lines are split on blanks, so a column before PID that holds
// blanks (a custom -o with the command first) cannot be told apart; runc
// has the same limit.
export function filterPsOutput(output: string, pids: readonly number[]): string {
  const lines = output.split('\n');
  const header = lines[0] ?? '';
  const column = header.trim().split(/\s+/).indexOf('PID');
  if (column < 0) throw new UserError(`ps: the output has no PID column (header: ${JSON.stringify(header.trim())}); give ps options that print it`);
  const wanted = new Set(pids);
  const kept = lines.slice(1).filter((line) => {
    const field = line.trim().split(/\s+/)[column];
    return field !== undefined && /^\d+$/.test(field) && wanted.has(Number(field));
  });
  return [header, ...kept].join('\n') + '\n';
}

// Runs the host's ps (default -ef) and keeps the container's processes.
export function psTable(pids: readonly number[], psArgs: readonly string[]): string {
  const args = psArgs.length ? [...psArgs] : ['-ef'];
  const r = spawnSync('ps', args, { encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
  if (r.error) throw new UserError(`ps: cannot run ps: ${r.error.message}`);
  if (r.status !== 0) throw new UserError(`ps ${args.join(' ')}: exited with status ${r.status}: ${r.stderr.trim()}`);
  return filterPsOutput(r.stdout, pids);
}
