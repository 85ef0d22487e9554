import { existsSync, mkdirSync, readFileSync, readdirSync, renameSync, rmSync, rmdirSync, unlinkSync, writeFileSync, openSync, closeSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import type { Spec } from '../spec/types';
import type { HostMounts } from './host-mounts';
import { UserError, errorCode } from '../util/errors';
import { isAlive } from './proc';
import { sleepSync } from '../util/sleep';
import { isPaused } from '../cgroups/freezer';

// What tsrun keeps about a container in <root>/<id>/state.json.
export interface ContainerRecord {
  id: string;
  // Set only while `create` runs; afterwards the status is derived from the process.
  creating?: { pid: number };
  pid: number;
  pidStartTime: string;
  bundle: string;
  rootfs: string;
  created: string;
  cgroupPath: string;
  // Parent cgroup directories create made (removed with the container when empty).
  cgroupParents?: string[];
  // Without a mount namespace of its own: the host mounts to leave at delete.
  hostMounts?: HostMounts;
  spec: Spec;
}

export const DEFAULT_ROOT = '/run/tsrun';

const ID_RE = /^[\w+.-]+$/;

export function checkId(id: string | undefined): string {
  if (!id) throw new UserError('container id cannot be empty');
  if (!ID_RE.test(id) || id === '.' || id === '..') throw new UserError(`invalid container id ${JSON.stringify(id)}: use letters, digits, _ + - .`);
  return id;
}

// The files of one container under the state root.
export class ContainerDir {
  readonly dir: string;
  constructor(readonly root: string, readonly id: string) {
    this.dir = join(root, checkId(id));
  }
  get stateFile() { return join(this.dir, 'state.json'); }
  get fifo() { return join(this.dir, 'exec.fifo'); }
  get lockFile() { return join(this.dir, 'lock'); }

  exists(): boolean {
    return existsSync(this.stateFile);
  }

  // Claims the id: mkdir is atomic, so of two creates of one id one fails.
  claim(): void {
    mkdirSync(this.root, { recursive: true, mode: 0o700 });
    try {
      mkdirSync(this.dir, { mode: 0o700 });
    } catch (e) {
      if (errorCode(e) === 'EEXIST') throw new UserError(`container with id ${this.id} already exists`);
      throw e;
    }
  }

  read(): ContainerRecord {
    let text: string;
    try {
      text = readFileSync(this.stateFile, 'utf8');
    } catch (e) {
      if (errorCode(e) === 'ENOENT') throw new UserError(`container ${this.id} does not exist`);
      throw e;
    }
    return JSON.parse(text) as ContainerRecord;
  }

  // Written to a temporary file and renamed, so readers never see half of it.
  write(record: ContainerRecord): void {
    const tmp = join(this.dir, `.state.json.${process.pid}`);
    writeFileSync(tmp, JSON.stringify(record), { mode: 0o600 });
    renameSync(tmp, this.stateFile);
  }

  // The directory holds only files (state, lock, fifo): unlinking them is
  // enough, and spares delete the 2 to 4 ms that loading rmSync's recursive
  // remover costs. Anything else in it falls back to that.
  remove(): void {
    try {
      for (const name of readdirSync(this.dir)) unlinkSync(join(this.dir, name));
      rmdirSync(this.dir);
    } catch (e) {
      if (errorCode(e) === 'ENOENT') return;
      rmSync(this.dir, { recursive: true, force: true });
    }
  }

  // Serialises operations on one container. Node has no flock, so the lock
  // is a file created with O_EXCL holding the owner's pid; a lock whose owner
  // died is taken over.
  lock(timeoutMs = 60_000): () => void {
    const deadline = Date.now() + timeoutMs;
    const me = `${process.pid}`;
    for (;;) {
      try {
        const fd = openSync(this.lockFile, 'wx', 0o600);
        writeSync(fd, me);
        closeSync(fd);
        return () => { try { unlinkSync(this.lockFile); } catch { /* removed with the dir */ } };
      } catch (e) {
        if (errorCode(e) === 'ENOENT') throw new UserError(`container ${this.id} does not exist`);
        if (errorCode(e) !== 'EEXIST') throw e;
      }
      const owner = Number(readTextOr(this.lockFile, '0'));
      if (owner > 0 && !pidExists(owner)) {
        try { unlinkSync(this.lockFile); } catch { /* someone else took it over */ }
        continue;
      }
      if (Date.now() > deadline) throw new UserError(`container ${this.id} is locked by process ${owner}`);
      sleepSync(5);
    }
  }
}

function readTextOr(path: string, fallback: string): string {
  try {
    return readFileSync(path, 'utf8');
  } catch {
    return fallback;
  }
}

function pidExists(pid: number): boolean {
  return existsSync(`/proc/${pid}`);
}

export type Status = 'creating' | 'created' | 'running' | 'paused' | 'stopped';

// The status comes from the process, never from what was written down.
export function statusOf(dir: ContainerDir, r: ContainerRecord): Status {
  if (r.creating) return pidExists(r.creating.pid) ? 'creating' : 'stopped';
  if (!isAlive(r.pid, r.pidStartTime)) return 'stopped';
  // Frozen by pause (a created container can be paused too, as with runc).
  if (isPaused(r.cgroupPath)) return 'paused';
  if (existsSync(dir.fifo)) return 'created';
  return 'running';
}
