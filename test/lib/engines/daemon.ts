// Engine daemons (containerd, dockerd) started by a test: each is its own
// child process with a log file, stopped by its pid and nothing else.
import { spawn } from 'node:child_process';
import { closeSync, existsSync, openSync, readFileSync } from 'node:fs';
import { sleepSync, waitFor } from './command';

export interface Daemon {
  name: string;
  pid: number;
  log: string;
  alive(): boolean;
  // SIGTERM, then SIGKILL if it has not ended within the grace time.
  stop(graceMs?: number): void;
}

export function isAlive(pid: number): boolean {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // The state follows the command name, which is in parentheses.
    return stat.slice(stat.lastIndexOf(')') + 2)[0] !== 'Z';
  } catch {
    return false;
  }
}

export function stopPid(pid: number, graceMs: number): void {
  if (!isAlive(pid)) return;
  try { process.kill(pid, 'SIGTERM'); } catch { return; }
  if (waitFor(() => !isAlive(pid), graceMs)) return;
  try { process.kill(pid, 'SIGKILL'); } catch { return; }
  waitFor(() => !isAlive(pid), 5_000);
}

// Starts argv with its output in `log` and waits until `ready` says so; throws
// with the log's tail if the daemon ends or is not ready in time.
export function startDaemon(name: string, argv: string[], log: string, ready: () => boolean, timeoutMs = 60_000): Daemon {
  const fd = openSync(log, 'a');
  const child = spawn(argv[0], argv.slice(1), { stdio: ['ignore', fd, fd], env: process.env });
  closeSync(fd);
  child.unref();
  if (child.pid === undefined) throw new Error(`${name}: could not start ${argv[0]}`);
  const pid = child.pid;
  const d: Daemon = {
    name,
    pid,
    log,
    alive: () => isAlive(pid),
    stop: (graceMs = 20_000) => stopPid(pid, graceMs),
  };
  const up = waitFor(() => !d.alive() || ready(), timeoutMs, 50);
  if (!up || !d.alive()) {
    d.stop(2_000);
    sleepSync(50);
    throw new Error(`${name} did not come up${up ? ' (it ended)' : ` within ${timeoutMs} ms`}:\n${tail(log)}`);
  }
  return d;
}

export function tail(file: string, lines = 20): string {
  if (!existsSync(file)) return '(no log)';
  return readFileSync(file, 'utf8').trimEnd().split('\n').slice(-lines).join('\n');
}
