import { closeSync, readSync, writeSync } from 'node:fs';
import { helperPath } from './helper-path';
import { Msg, SyncTag } from './protocol';
import { encodePlan } from './plan-encoder';
import { exitOf, spawnAddon } from './spawn-addon';
import type { Plan } from '../plan/types';
import { describeFailure } from '../plan/failure';
import { UserError, isUserError } from '../util/errors';

export interface HelperHandlers {
  // Work that may overlap the helper's start: it runs once the plan is
  // sent, while the helper reads it and clones the init, and before any
  // message of theirs is answered.
  meanwhile?(): void;
  // The init exists (host pid).
  onPid(pid: number): void;
  // The init waits at a sync point until this resolves.
  onSync(tag: number): Promise<void> | void;
}

export interface RunningHelper {
  pid: number;
  // Resolves with the init's exit code (128+N for signal N) when the helper
  // waits for it (run in the foreground).
  exited: Promise<number>;
}

function frame(type: Msg, payload: Buffer = Buffer.alloc(0)): Buffer {
  const head = Buffer.alloc(8);
  head.writeUInt32LE(payload.length + 4, 0);
  head.writeUInt32LE(type, 4);
  return Buffer.concat([head, payload]);
}

function retryInterrupted<T>(f: () => T): T {
  for (;;) {
    try {
      return f();
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'EINTR') throw e;
    }
  }
}

// Reads whole frames from the helper's socket, blocking: while the helper
// sets the container up there is nothing else for tsrun to do.
class FrameReader {
  private buf = Buffer.alloc(0);
  constructor(private readonly fd: number) {}

  // The next frame, or undefined when the socket is closed.
  next(): { type: number; payload: Buffer } | undefined {
    for (;;) {
      if (this.buf.length >= 8) {
        const len = this.buf.readUInt32LE(0);
        if (this.buf.length >= 4 + len) {
          const type = this.buf.readUInt32LE(4);
          const payload = this.buf.subarray(8, 4 + len);
          this.buf = this.buf.subarray(4 + len);
          return { type, payload };
        }
      }
      const chunk = Buffer.allocUnsafe(4096);
      let n: number;
      try {
        n = retryInterrupted(() => readSync(this.fd, chunk, 0, chunk.length, null));
      } catch {
        n = 0;
      }
      if (n === 0) return undefined;
      this.buf = this.buf.length ? Buffer.concat([this.buf, chunk.subarray(0, n)]) : chunk.subarray(0, n);
    }
  }
}

// Starts tsrun-helper, hands it the plan, and answers its sync points until
// the init reports it is set up. Throws a message that names the config
// field when an op fails.
export async function runHelper(plan: Plan, cwd: string, preserveFds: number, h: HelperHandlers): Promise<RunningHelper> {
  const syncFd = 3 + preserveFds;
  const path = helperPath();
  let child: { pid: number; fd: number };
  try {
    child = spawnAddon().spawn(path, [path, String(syncFd)], cwd, syncFd);
  } catch (e) {
    throw new UserError(`cannot run ${path}: ${(e as Error).message}`);
  }
  const send = (type: Msg, payload?: Buffer) => {
    const data = frame(type, payload);
    let off = 0;
    try {
      while (off < data.length) off += retryInterrupted(() => writeSync(child.fd, data, off));
    } catch {
      return false; // the helper is gone: the next read says how
    }
    return true;
  };
  const sync = async (tag: number) => {
    try {
      await h.onSync(tag);
    } catch (e) {
      throw isUserError(e) ? e : new UserError((e as Error).message);
    }
    send(Msg.Continue);
  };
  try {
    send(Msg.Plan, encodePlan(plan));
    const reader = new FrameReader(child.fd);
    try {
      h.meanwhile?.();
    } catch (e) {
      // The init may exist already: report its pid, so that the caller's
      // clean-up ends it (the helper reports it right after the clone). A
      // helper waiting for the cgroup has cloned nothing: the closed socket
      // ends it.
      for (let m = reader.next(); m; m = reader.next()) {
        if (m.type === Msg.Pid) {
          h.onPid(m.payload.readInt32LE(0));
          break;
        }
        if (m.type === Msg.Error || (m.type === Msg.Sync && m.payload.readUInt32LE(0) === SyncTag.CgroupMade)) break;
      }
      throw e;
    }
    let pid = 0;
    // The helper reports the pid and the init syncs on one socket: the
    // init's first sync, and even its ready, may come before the pid.
    const early: number[] = [];
    let ready = false;
    for (;;) {
      const m = reader.next();
      if (!m) throw new UserError(pid ? 'the container init exited before it was set up' : 'tsrun-helper exited before it started the container init');
      switch (m.type) {
        case Msg.Pid:
          pid = m.payload.readInt32LE(0);
          h.onPid(pid);
          for (const tag of early.splice(0)) await sync(tag);
          if (ready) return { pid, exited: helperExit(child.pid, plan.waitForInit) };
          break;
        case Msg.Sync: {
          const tag = m.payload.readUInt32LE(0);
          // The helper's own sync point comes before the clone.
          if (!pid && tag !== SyncTag.CgroupMade) early.push(tag);
          else await sync(tag);
          break;
        }
        case Msg.Ready:
          if (!pid) {
            ready = true;
            break;
          }
          return { pid, exited: helperExit(child.pid, plan.waitForInit) };
        case Msg.Error: {
          const index = m.payload.readUInt32LE(0);
          const errno = m.payload.readInt32LE(4);
          throw new UserError(describeFailure(plan.ops[index], errno, m.payload.subarray(8).toString()));
        }
      }
    }
  } catch (e) {
    // Reaped when it ends (tsrun exits without waiting for that).
    void exitOf(child.pid).catch(() => {});
    throw e;
  } finally {
    closeSync(child.fd);
  }
}

// The helper exits with the init's code (or 128+N when signal N ended it)
// when it waits for the init; otherwise right after the clone, so that it
// is reaped at once.
function helperExit(pid: number, waitsForInit: boolean): Promise<number> {
  if (waitsForInit) return exitOf(pid).catch(() => 255);
  try {
    return Promise.resolve(spawnAddon().waitpid(pid, true) ?? 255);
  } catch {
    return Promise.resolve(255);
  }
}
