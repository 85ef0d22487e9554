import { spawn, type ChildProcess } from 'node:child_process';
import type { Socket } from 'node:net';
import { constants } from 'node:os';
import { helperPath } from './helper-path';
import { Msg } from './protocol';
import { encodePlan } from './plan-encoder';
import type { Plan } from '../plan/types';
import { describeFailure } from '../plan/failure';
import { UserError } from '../util/errors';

export interface HelperHandlers {
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

// Starts tsrun-helper, hands it the plan, and answers its sync points until
// the init reports it is set up. Rejects with a message that names the
// config field when an op fails.
export function runHelper(plan: Plan, cwd: string, preserveFds: number, h: HelperHandlers): Promise<RunningHelper> {
  const syncFd = 3 + preserveFds;
  const stdio: (number | 'inherit' | 'pipe')[] = ['inherit', 'inherit', 'inherit'];
  for (let fd = 3; fd < syncFd; fd++) stdio.push(fd);
  stdio.push('pipe');
  const child: ChildProcess = spawn(helperPath(), [String(syncFd)], { stdio, cwd, env: {} });
  const sock = child.stdio[syncFd] as Socket;
  let pid = 0;
  let settled = false;
  let resolveExited!: (code: number) => void;
  const exited = new Promise<number>((r) => (resolveExited = r));

  return new Promise<RunningHelper>((resolve, reject) => {
    const fail = (message: string) => {
      if (settled) return;
      settled = true;
      sock.destroy();
      reject(new UserError(message));
    };
    let buf = Buffer.alloc(0);
    let queue = Promise.resolve();
    let resolvePid!: () => void;
    const pidKnown = new Promise<void>((r) => (resolvePid = r));

    const handle = async (type: number, payload: Buffer) => {
      switch (type) {
        case Msg.Sync:
          // The helper reports the pid and the init syncs on one socket:
          // the init's message may come first.
          await pidKnown;
          if (!pid) throw new Error('tsrun-helper exited before it reported the init pid');
          await h.onSync(payload.readUInt32LE(0));
          sock.write(frame(Msg.Continue));
          break;
        case Msg.Ready:
          settled = true;
          sock.destroy();
          resolve({ pid, exited });
          break;
        case Msg.Error: {
          const index = payload.readUInt32LE(0);
          const errno = payload.readInt32LE(4);
          const detail = payload.subarray(8).toString();
          fail(describeFailure(plan.ops[index], errno, detail));
          break;
        }
      }
    };

    sock.on('data', (chunk: Buffer) => {
      buf = Buffer.concat([buf, chunk]);
      while (buf.length >= 8) {
        const len = buf.readUInt32LE(0);
        if (buf.length < 4 + len) break;
        const type = buf.readUInt32LE(4);
        const payload = buf.subarray(8, 4 + len);
        buf = buf.subarray(4 + len);
        if (type === Msg.Pid) {
          pid = payload.readInt32LE(0);
          h.onPid(pid);
          resolvePid();
          continue;
        }
        queue = queue.then(() => handle(type, payload)).catch((e: Error) => fail(e.message));
      }
    });
    sock.on('error', () => { /* the close or exit reports it */ });
    sock.on('close', () => {
      resolvePid(); // a sync waiting for a pid that never came gives up
      void queue.then(() => fail(pid ? 'the container init exited before it was set up' : 'tsrun-helper exited before it started the container init'));
    });
    child.on('error', (e) => fail(`cannot run ${helperPath()}: ${e.message}`));
    child.on('exit', (code, signal) => {
      // The helper exits with the init's code, or 128+N when a signal N ended it.
      resolveExited(code ?? 128 + (signal ? constants.signals[signal] : 0));
    });
    sock.write(frame(Msg.Plan, encodePlan(plan)));
  });
}

