#!/usr/bin/env node
// npm run conformance -- --suite DIR ...: bundles the runner
// (test/conformance/runner.ts) to plain JavaScript and runs it. The suite is
// not built here; see docs/conformance.md.
import { spawnSync } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { buildSync } from 'esbuild';

const top = join(dirname(fileURLToPath(import.meta.url)), '..');
const out = join(top, 'build', 'conformance', 'runner.js');
buildSync({ entryPoints: [join(top, 'test/conformance/runner.ts')], bundle: true, platform: 'node', target: 'node20', format: 'cjs', outfile: out, logLevel: 'warning' });
const r = spawnSync(process.execPath, [out, ...process.argv.slice(2)], { stdio: 'inherit' });
process.exit(r.status ?? 1);
