// Helpers for integration tests: run the built tsrun against bundles made
// per test, in a state root per test, and clean up whatever happens.
import { spawn, spawnSync, type ChildProcess, type SpawnSyncReturns } from 'node:child_process';
import { closeSync, existsSync, mkdtempSync, openSync, readFileSync, readdirSync, readlinkSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import type { Spec } from '../../src/spec/types';

export const TOP = resolve(__dirname, '../..');
export const TSRUN = join(TOP, 'dist/tsrun.js');
const MAKE_ROOTFS = join(TOP, 'scripts/make-rootfs.sh');

export interface Result {
  status: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

export interface TestLike {
  teardown(fn: () => void | Promise<void>): void;
}

let seq = 0;
// Ids are unique per test process, so parallel test files never share a cgroup.
export function uniqueId(name: string): string {
  return `t${process.pid}-${++seq}-${name}`;
}

// The config `tsrun spec`-style: a busybox rootfs, the usual namespaces and mounts.
export function baseSpec(args: string[] = ['true']): Spec {
  return {
    ociVersion: '1.3.0',
    root: { path: 'rootfs' },
    hostname: 'tsrun-test',
    process: {
      user: { uid: 0, gid: 0 },
      args,
      env: ['PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin', 'TERM=xterm'],
      cwd: '/',
    },
    mounts: [
      { destination: '/proc', type: 'proc', source: 'proc' },
      { destination: '/dev', type: 'tmpfs', source: 'tmpfs', options: ['nosuid', 'strictatime', 'mode=755', 'size=65536k'] },
      { destination: '/dev/pts', type: 'devpts', source: 'devpts', options: ['nosuid', 'noexec', 'newinstance', 'ptmxmode=0666', 'mode=0620'] },
      { destination: '/dev/shm', type: 'tmpfs', source: 'shm', options: ['nosuid', 'noexec', 'nodev', 'mode=1777', 'size=65536k'] },
      { destination: '/dev/mqueue', type: 'mqueue', source: 'mqueue', options: ['nosuid', 'noexec', 'nodev'] },
      { destination: '/sys', type: 'sysfs', source: 'sysfs', options: ['nosuid', 'noexec', 'nodev', 'ro'] },
    ],
    linux: {
      namespaces: [{ type: 'pid' }, { type: 'network' }, { type: 'ipc' }, { type: 'uts' }, { type: 'mount' }],
    },
  };
}

export interface Bundle {
  dir: string;
  rootfs: string;
  root: string; // tsrun --root for this test
  spec: Spec;
  write(): void;
  run(args: string[], opts?: { input?: string; timeoutMs?: number; env?: NodeJS.ProcessEnv }): Result;
  ids: string[];
}

// A fresh bundle and state root, removed (containers force-deleted first)
// when the test ends, pass or fail.
export function makeBundle(t: TestLike, spec: Spec = baseSpec()): Bundle {
  const dir = mkdtempSync(join(tmpdir(), 'tsrun-bundle-'));
  const rootfs = join(dir, 'rootfs');
  const made = spawnSync('sh', [MAKE_ROOTFS, rootfs], { encoding: 'utf8' });
  if (made.status !== 0) throw new Error(`make-rootfs failed: ${made.stderr}`);
  const b: Bundle = {
    dir,
    rootfs,
    root: join(dir, 'state'),
    spec,
    ids: [],
    write() {
      writeFileSync(join(dir, 'config.json'), JSON.stringify(b.spec, null, 2));
    },
    run(args, opts = {}) {
      return tsrun(['--root', b.root, ...args], opts);
    },
  };
  b.write();
  t.teardown(() => cleanupBundle(b));
  return b;
}

function cleanupBundle(b: Bundle): void {
  if (existsSync(b.root)) {
    for (const id of readdirSync(b.root)) tsrun(['--root', b.root, 'delete', '--force', id]);
  }
  rmSync(b.dir, { recursive: true, force: true });
}

// stdout and stderr go to files, not pipes: a created container keeps
// tsrun's stdio as its own, and a pipe would stay open until it exits.
export function tsrun(args: string[], opts: { input?: string; timeoutMs?: number; env?: NodeJS.ProcessEnv } = {}): Result {
  const dir = mkdtempSync(join(tmpdir(), 'tsrun-out-'));
  const out = openSync(join(dir, 'out'), 'w+');
  const err = openSync(join(dir, 'err'), 'w+');
  try {
    const r: SpawnSyncReturns<Buffer> = spawnSync(process.execPath, [TSRUN, ...args], {
      stdio: ['pipe', out, err],
      input: opts.input ?? '',
      timeout: opts.timeoutMs ?? 30_000,
      env: opts.env ?? { PATH: process.env.PATH ?? '/usr/bin:/bin' },
    });
    return { status: r.status, signal: r.signal, stdout: readFileSync(join(dir, 'out'), 'utf8'), stderr: readFileSync(join(dir, 'err'), 'utf8') };
  } finally {
    closeSync(out);
    closeSync(err);
    rmSync(dir, { recursive: true, force: true });
  }
}

// The container's cgroup directories tsrun would have made, on this host.
export function cgroupDirsOf(id: string): string[] {
  const dirs: string[] = [];
  for (const line of readFileSync('/proc/self/mountinfo', 'utf8').split('\n')) {
    const m = / - (cgroup2?) /.exec(line);
    if (!m) continue;
    const mountPoint = line.split(' ')[4];
    dirs.push(join(mountPoint, 'tsrun', id));
  }
  return dirs;
}

// Lines of the host's mountinfo that mention a path.
export function hostMountsUnder(path: string): string[] {
  return readFileSync('/proc/self/mountinfo', 'utf8').split('\n').filter((l) => l.includes(path));
}

// Live processes of a bundle's container: the helper runs in the bundle
// directory and the init's root is the rootfs under it (a zombie has neither).
export function processesOf(b: Bundle): string[] {
  return readdirSync('/proc').filter((p) => /^\d+$/.test(p)).filter((p) => {
    try { return [readlinkSync(`/proc/${p}/cwd`), readlinkSync(`/proc/${p}/root`)].some((l) => l.startsWith(b.dir)); } catch { return false; }
  });
}

// tsrun in the background, for commands that wait (run in the foreground).
export function spawnTsrun(b: Bundle, args: string[]): ChildProcess {
  return spawn(process.execPath, [TSRUN, '--root', b.root, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
}

export async function waitForStatus(b: Bundle, id: string, status: string, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    const r = b.run(['state', id]);
    if (r.status === 0 && JSON.parse(r.stdout).status === status) return;
    await new Promise((r) => setTimeout(r, 20));
  }
  throw new Error(`container ${id} did not become ${status} within ${timeoutMs} ms`);
}
