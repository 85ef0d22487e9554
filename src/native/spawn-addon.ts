import { spawnAddonPath } from './helper-path';

// The functions of tsrun-spawn.node (src/native/node-addon/spawn.c says why
// tsrun starts the helper with it rather than with child_process).
export interface SpawnAddon {
  // Runs `path` with `argv` and an empty environment in `cwd`, with fds 0
  // to keepFds-1 as they are and a new socket as fd keepFds; `fd` is
  // tsrun's end of it (blocking, close-on-exec).
  spawn(path: string, argv: string[], cwd: string, keepFds: number): { pid: number; fd: number };
  // The exit code, or 128+N for signal N; null while it runs (block false).
  waitpid(pid: number, block: boolean): number | null;
}

let addon: SpawnAddon | undefined;

export function spawnAddon(): SpawnAddon {
  if (!addon) {
    const m = { exports: {} as SpawnAddon };
    process.dlopen(m, spawnAddonPath());
    addon = m.exports;
  }
  return addon;
}

// Resolves with the process's exit code (or 128+N) when it ends. Waits
// without Node's thread pool (starting it costs a command about 1 ms): on
// each SIGCHLD, a waitpid that does not block. A timer keeps Node's event
// loop alive meanwhile, as a signal listener does not.
export function exitOf(pid: number): Promise<number> {
  const addon = spawnAddon();
  return new Promise((resolve, reject) => {
    const keepAlive = setInterval(() => {}, 1 << 30);
    const check = () => {
      let code: number | null;
      try {
        code = addon.waitpid(pid, false);
      } catch (e) {
        done();
        reject(e);
        return;
      }
      if (code !== null) {
        done();
        resolve(code);
      }
    };
    const done = () => {
      process.off('SIGCHLD', check);
      clearInterval(keepAlive);
    };
    process.on('SIGCHLD', check);
    check();
  });
}
