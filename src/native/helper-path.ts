import { dirname, join } from 'node:path';

// tsrun-helper sits next to the entry point, dist/tsrun.js.
export function helperPath(): string {
  return join(dirname(require.main?.filename ?? process.argv[1]), 'tsrun-helper');
}
