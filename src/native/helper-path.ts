import { dirname, join } from 'node:path';

// tsrun-helper and tsrun-spawn.node sit next to the entry point, dist/tsrun.js.
const distDir = () => dirname(require.main?.filename ?? process.argv[1]);

export function helperPath(): string {
  return join(distDir(), 'tsrun-helper');
}

export function spawnAddonPath(): string {
  return join(distDir(), 'tsrun-spawn.node');
}
