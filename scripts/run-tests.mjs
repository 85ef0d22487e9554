#!/usr/bin/env node
// Runs the tap suites given (default: all of test/) and ends with one plain
// line, "N passed, N failed, N skipped", that any CI can read.
import { spawn } from 'node:child_process';

const args = process.argv.slice(2);
const tap = spawn('npx', ['tap', '--reporter=tap', ...args], { stdio: ['ignore', 'pipe', 'inherit'] });
let tail = '';
tap.stdout.on('data', (d) => {
  process.stdout.write(d);
  tail = (tail + d.toString()).slice(-4096);
});
tap.on('exit', (code) => {
  const m = /# \{ total: (\d+)(?:, pass: (\d+))?(?:, fail: (\d+))?(?:, [a-z]+: \d+)*?(?:, skip: (\d+))?/.exec(tail);
  const [passed, failed, skipped] = m ? [m[2] ?? 0, m[3] ?? 0, m[4] ?? 0].map(Number) : [0, 1, 0];
  console.log(`\n${passed} passed, ${failed} failed, ${skipped} skipped`);
  process.exit(code ?? 1);
});
