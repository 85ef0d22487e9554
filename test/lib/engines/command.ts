// Running an engine's CLI (docker, podman, ctr) and waiting without an
// event loop: engine tests clean up synchronously, so the same cleanup can
// run from t.teardown and from process 'exit'.
import { spawnSync } from 'node:child_process';
import { closeSync, mkdtempSync, openSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export interface Result {
  status: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

export interface RunOptions {
  input?: string;
  timeoutMs?: number;
  env?: NodeJS.ProcessEnv;
  // Where the output files go: the test's scratch directory, so that a test
  // killed mid-command leaves them where the reaper removes them.
  outDir?: string;
}

// stdout and stderr go to files, not pipes: `docker run -d` and `ctr run -d`
// leave processes behind that may hold a pipe open until they end.
export function runCommand(argv: string[], opts: RunOptions = {}): Result {
  const dir = mkdtempSync(join(opts.outDir ?? tmpdir(), 'tsrun-engine-out-'));
  const out = openSync(join(dir, 'out'), 'w+');
  const err = openSync(join(dir, 'err'), 'w+');
  try {
    const r = spawnSync(argv[0], argv.slice(1), {
      stdio: ['pipe', out, err],
      input: opts.input ?? '',
      timeout: opts.timeoutMs ?? 60_000,
      env: opts.env ?? process.env,
    });
    const stderr = readFileSync(join(dir, 'err'), 'utf8') + (r.error ? `\n${r.error.message}` : '');
    return { status: r.status, signal: r.signal, stdout: readFileSync(join(dir, 'out'), 'utf8'), stderr };
  } finally {
    closeSync(out);
    closeSync(err);
    rmSync(dir, { recursive: true, force: true });
  }
}

// A one-line account of a result, for assertion messages.
export function describe(r: Result): string {
  return `status ${r.status}${r.signal ? ` signal ${r.signal}` : ''}; stdout: ${r.stdout.trim()}; stderr: ${r.stderr.trim()}`;
}

const sleeper = new Int32Array(new SharedArrayBuffer(4));
export function sleepSync(ms: number): void {
  Atomics.wait(sleeper, 0, 0, ms);
}

// Polls until `ready` returns true; false when the time is up.
export function waitFor(ready: () => boolean, timeoutMs: number, stepMs = 100): boolean {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (ready()) return true;
    if (Date.now() > deadline) return false;
    sleepSync(stepMs);
  }
}

export function commandExists(name: string): boolean {
  return spawnSync('sh', ['-c', `command -v ${name}`], { stdio: 'ignore' }).status === 0;
}
