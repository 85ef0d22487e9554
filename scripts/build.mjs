#!/usr/bin/env node
// Builds everything tsrun runs from, with no network: the JSON Schema
// validators (compiled to standalone code), one bundled file for the CLI,
// and the C helper (system C compiler). Run by `npm install`/`npm ci`.
import { execFileSync } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, readFileSync, readdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';
import { buildValidators } from './build-validators.mjs';

const top = join(dirname(fileURLToPath(import.meta.url)), '..');
const dist = join(top, 'dist');
mkdirSync(dist, { recursive: true });

buildValidators(join(top, 'build', 'validators'));

const { version } = JSON.parse(readFileSync(join(top, 'package.json'), 'utf8'));
// One bundled file for the entry point and one per command, so that a
// command loads only its own code.
const common = {
  bundle: true,
  platform: 'node',
  target: 'node20',
  format: 'cjs',
  define: { TSRUN_VERSION: JSON.stringify(version) },
  // yargs renders --help only; it is ESM and loaded from node_modules when asked for.
  external: ['yargs'],
  logLevel: 'warning',
};
// dist/tsrun.js is only the loader of the others (src/cli/entry.ts).
await build({ ...common, entryPoints: [join(top, 'src/cli/entry.ts')], outfile: join(dist, 'tsrun.js'), banner: { js: '#!/usr/bin/env node' } });
await build({ ...common, entryPoints: [join(top, 'src/cli/main.ts')], outfile: join(dist, 'main.js') });
await build({ ...common, entryPoints: [join(top, 'src/cli/help.ts')], outfile: join(dist, 'help.js') });
const commandDir = join(top, 'src/cli/commands');
const commands = readdirSync(commandDir).filter((f) => f.endsWith('.ts')).map((f) => join(commandDir, f));
await build({ ...common, entryPoints: commands, outdir: join(dist, 'commands') });
chmodSync(join(dist, 'tsrun.js'), 0o755);

// V8 code caches for main.js and the commands, made by a plain node process.
const loader = join(top, 'build', 'bundle-loader.js');
await build({ ...common, entryPoints: [join(top, 'src/cli/bundle-loader.ts')], outfile: loader });
const bundles = [join(dist, 'main.js'), ...readdirSync(join(dist, 'commands')).filter((f) => f.endsWith('.js')).map((f) => join(dist, 'commands', f))];
execFileSync(process.execPath, [join(top, 'scripts', 'make-code-cache.mjs'), loader, ...bundles], { stdio: 'inherit', env: { PATH: process.env.PATH ?? '' } });

const native = join(top, 'src', 'native');
const sources = readdirSync(native).filter((f) => f.endsWith('.c')).map((f) => join(native, f));
const cc = process.env.CC || 'cc';
const warnings = ['-Wall', '-Wextra', '-Werror'];
execFileSync(cc, ['-O2', ...warnings, '-o', join(dist, 'tsrun-helper'), ...sources], { stdio: 'inherit' });
// The Node addon that starts the helper, against Node's own C headers.
execFileSync(cc, ['-O2', ...warnings, '-shared', '-fPIC', `-I${nodeHeaders()}`, '-o', join(dist, 'tsrun-spawn.node'), join(native, 'node-addon', 'spawn.c')], { stdio: 'inherit' });

// node_api.h: next to this node (a Node.js release, or built from source),
// or where Debian's libnode-dev puts it.
function nodeHeaders() {
  const dirs = [join(dirname(process.execPath), '..', 'include', 'node'), '/usr/include/node'];
  const found = dirs.find((d) => existsSync(join(d, 'node_api.h')));
  if (!found) {
    console.error(`build: Node's C headers (node_api.h) are not in ${dirs.join(', ')}; on Debian, install libnode-dev`);
    process.exit(1);
  }
  return found;
}
