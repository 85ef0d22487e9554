// What an engine can leave behind when a test fails half-way, and how to
// remove it touching only what belongs to the test: everything is found
// through the test's own scratch directory or cgroup name.
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, readdirSync, rmSync, rmdirSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { isAlive, stopPid } from './daemon';

// What a test made that outlives its processes, recorded as data in the
// scratch directory, so that the reaper can remove it after a crash too.
export interface Leftovers {
  tsrun: string; // the tsrun the engines were given
  daemons: { name: string; pid: number }[]; // stopped last-started first
  tsrunRoots: string[]; // tsrun --root directories the engines use
  // Containers in a shared tsrun --root, named by the entries of an engine's own directory.
  tsrunContainersOf: { root: string; idsDir: string }[];
  cgroupTrees: string[]; // cgroup parents the engines were told to use
}

export function removeLeftovers(dir: string, l: Leftovers, log: (msg: string) => void): void {
  for (const d of [...l.daemons].reverse()) stopPid(d.pid, 20_000);
  for (const root of l.tsrunRoots) deleteTsrunContainers(l.tsrun, root);
  for (const { root, idsDir } of l.tsrunContainersOf) {
    if (existsSync(idsDir)) deleteTsrunContainers(l.tsrun, root, readdirSync(idsDir));
  }
  const stray = stopProcessesMentioning(dir);
  if (stray.length) log(`stopped leftover processes ${stray.join(' ')}`);
  for (const tree of l.cgroupTrees) {
    const killed = killCgroupTree(tree);
    if (killed.length) log(`killed processes left in ${tree}: ${killed.join(' ')}`);
    const kept = removeCgroupTree(tree);
    if (kept.length) log(`cgroups kept: ${kept.join(' ')}`);
  }
  unmountUnder(dir);
  const still = mountsUnder(dir);
  if (still.length) log(`${dir} kept, still mounted: ${still.join(' ')}`);
  else rmSync(dir, { recursive: true, force: true });
}

// Containers tsrun still has under a state root (engines pass --root), force-deleted:
// all of them, or those of `only`.
export function deleteTsrunContainers(tsrun: string, root: string, only?: string[]): void {
  if (!existsSync(root)) return;
  for (const id of only ?? readdirSync(root)) {
    if (!existsSync(join(root, id, 'state.json'))) continue;
    spawnSync(process.execPath, [tsrun, '--root', root, 'delete', '--force', id], { stdio: 'ignore', timeout: 30_000 });
  }
}

// Processes whose command line names the scratch directory: shims, conmon,
// tsrun itself. They were all started, directly or not, by the test.
export function processesMentioning(dir: string): number[] {
  const pids: number[] = [];
  for (const entry of readdirSync('/proc')) {
    const pid = Number(entry);
    if (!Number.isInteger(pid) || pid === process.pid) continue;
    try {
      if (readFileSync(`/proc/${pid}/cmdline`, 'utf8').includes(dir) && isAlive(pid)) pids.push(pid);
    } catch { /* it ended meanwhile */ }
  }
  return pids;
}

export function stopProcessesMentioning(dir: string): number[] {
  const pids = processesMentioning(dir);
  for (const pid of pids) stopPid(pid, 5_000);
  return pids;
}

function unescapeMountPath(p: string): string {
  return p.replace(/\\([0-7]{3})/g, (_, o: string) => String.fromCharCode(parseInt(o, 8)));
}

export function mountsUnder(dir: string): string[] {
  return readFileSync('/proc/self/mountinfo', 'utf8').split('\n')
    .map((l) => l.split(' ')[4])
    .filter((p): p is string => !!p)
    .map(unescapeMountPath)
    .filter((p) => p === dir || p.startsWith(dir + '/'));
}

// Deepest first, lazily: an engine that died leaves overlay and nsfs mounts.
export function unmountUnder(dir: string): void {
  for (const m of mountsUnder(dir).sort((a, b) => b.length - a.length)) {
    spawnSync('umount', ['--lazy', m], { stdio: 'ignore' });
  }
}

// Every cgroup mount point of this host (v1 hierarchies and cgroup2).
export function cgroupMounts(): string[] {
  return readFileSync('/proc/self/mountinfo', 'utf8').split('\n')
    .filter((l) => / - cgroup2? /.test(l))
    .map((l) => l.split(' ')[4]);
}

// Every directory of a cgroup subtree in every hierarchy, deepest first.
function cgroupTreeDirs(relative: string): string[] {
  const dirs: string[] = [];
  const walk = (dir: string): void => {
    for (const e of readdirSync(dir)) {
      const sub = join(dir, e);
      if (statSync(sub).isDirectory()) walk(sub);
    }
    dirs.push(dir);
  };
  for (const mount of cgroupMounts()) {
    const dir = join(mount, relative);
    if (existsSync(dir)) walk(dir);
  }
  return dirs;
}

// SIGKILL to the processes still in a cgroup subtree the test's engines used.
export function killCgroupTree(relative: string): number[] {
  const pids = new Set<number>();
  for (const dir of cgroupTreeDirs(relative)) {
    // A frozen process cannot die: thaw first (v1 freezer, v2 cgroup.freeze).
    for (const [file, value] of [['freezer.state', 'THAWED'], ['cgroup.freeze', '0']]) {
      try { writeFileSync(join(dir, file), value); } catch { /* not this hierarchy */ }
    }
    try {
      for (const p of readFileSync(join(dir, 'cgroup.procs'), 'utf8').split('\n').filter(Boolean)) pids.add(Number(p));
    } catch { /* removed meanwhile */ }
  }
  for (const pid of pids) {
    try { process.kill(pid, 'SIGKILL'); } catch { /* gone */ }
  }
  for (const pid of pids) stopPid(pid, 5_000);
  return [...pids];
}

// rmdir of a cgroup subtree the engine made for the test (its --cgroup-parent),
// children first; a cgroup that still has processes stays and is reported.
export function removeCgroupTree(relative: string): string[] {
  const left: string[] = [];
  for (const dir of cgroupTreeDirs(relative)) {
    try { rmdirSync(dir); } catch { left.push(dir); }
  }
  return left;
}
