// One directory per engine test file that holds everything the engines
// write (their data, state, sockets, tsrun's state), and the record of what
// to undo. Cleanup runs once, at the end of the file's tests; if the test
// process dies first (a tap timeout ends it with SIGKILL a second after
// asking), a detached reaper started here does it from the record.
import { spawn } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { buildSync } from 'esbuild';
import { TSRUN, type TestLike } from '../tsrun';
import { stopPid } from './daemon';
import { removeLeftovers, type Leftovers } from './leftovers';

export interface Scratch {
  dir: string;
  path(...parts: string[]): string;
  // Recorded for the reaper as well as for cleanup().
  addDaemon(name: string, pid: number): void;
  addTsrunRoot(root: string): void;
  addTsrunContainersOf(root: string, idsDir: string): void;
  addCgroupTree(relative: string): void;
  // Polite steps through the engine (docker rm, podman rm) before the
  // recorded ones; last registered first; one that throws does not stop the rest.
  onCleanup(step: () => void): void;
  cleanup(): void;
}

const log = (msg: string) => console.error(`# cleanup: ${msg}`);

export function makeScratch(t: TestLike, name: string): Scratch {
  // Short: unix socket paths under it must stay within 108 bytes.
  const dir = mkdtempSync(`/tmp/tsrun-${name}-`);
  const record: Leftovers = { tsrun: TSRUN, daemons: [], tsrunRoots: [], tsrunContainersOf: [], cgroupTrees: [] };
  const save = () => writeFileSync(join(dir, 'leftovers.json'), JSON.stringify(record));
  const steps: (() => void)[] = [];
  let done = false;
  save();
  const s: Scratch = {
    dir,
    path: (...parts) => join(dir, ...parts),
    addDaemon: (name, pid) => { record.daemons.push({ name, pid }); save(); },
    addTsrunRoot: (root) => { record.tsrunRoots.push(root); save(); },
    addTsrunContainersOf: (root, idsDir) => { record.tsrunContainersOf.push({ root, idsDir }); save(); },
    addCgroupTree: (relative) => { record.cgroupTrees.push(relative); save(); },
    onCleanup: (step) => { steps.push(step); },
    cleanup() {
      if (done) return;
      done = true;
      for (const step of steps.reverse()) {
        try { step(); } catch (e) { log((e as Error).message); }
      }
      stopPid(reaper, 5_000); // nothing left for it to do
      removeLeftovers(dir, record, log);
    },
  };
  const reaper = startReaper(dir);
  t.teardown(() => s.cleanup());
  process.once('exit', () => s.cleanup());
  return s;
}

// The reaper is reaper.ts bundled into the scratch directory, in its own
// session so that a ^C to the test's terminal does not reach it.
function startReaper(dir: string): number {
  const out = join(dir, 'reaper.js');
  buildSync({ entryPoints: [join(__dirname, 'reaper.ts')], bundle: true, platform: 'node', target: 'node20', format: 'cjs', outfile: out, logLevel: 'warning' });
  const child = spawn(process.execPath, [out, String(process.pid), dir], { detached: true, stdio: 'ignore' });
  child.unref();
  return child.pid!;
}
