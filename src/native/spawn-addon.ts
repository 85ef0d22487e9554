import { spawnAddonPath } from './helper-path';

// The functions of tsrun-spawn.node (src/native/node-addon/spawn.c says why
// tsrun starts the helper with it rather than with child_process).
export interface SpawnAddon {
  // Runs `path` with `argv` and an empty environment in `cwd`, with fds 0
  // to keepFds-1 as they are and a new socket as fd keepFds; `fd` is
  // tsrun's end of it (blocking, close-on-exec).
  spawn(path: string, argv: string[], cwd: string, keepFds: number): { pid: number; fd: number };
  // Waits off the main thread; the exit code, or 128+N for signal N.
  wait(pid: number): Promise<number>;
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
