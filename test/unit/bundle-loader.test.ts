// Tests for src/cli/bundle-loader.ts: bundles load with and without their
// code cache, a cache of another build is ignored, and the caches the build
// made are accepted by a plain node.

import t from 'tap';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CODE_CACHE_SUFFIX, TAG_LENGTH, compileBundle, loadBundle } from '../../src/cli/bundle-loader';

const DIST = join(__dirname, '../../dist');

function tempDir(t: { teardown(fn: () => void): void }): string {
  const dir = mkdtempSync(join(tmpdir(), 'tsrun-bundle-loader-'));
  t.teardown(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

function writeBundle(dir: string, body: string, tag: string): string {
  const file = join(dir, 'b.js');
  const source = `${body}\n//# tsrun-code-cache=${tag}\n`;
  writeFileSync(file, source);
  const data = compileBundle(file, source).createCachedData();
  writeFileSync(file + CODE_CACHE_SUFFIX, Buffer.concat([Buffer.from(tag), data]));
  return file;
}

t.test('a bundle without a cache loads as a CommonJS module', async (t) => {
  const file = join(tempDir(t), 'plain.js');
  writeFileSync(file, "exports.answer = 42; exports.file = __filename; exports.join = require('node:path').join('a', 'b');");
  t.same(loadBundle(file), { answer: 42, file, join: 'a/b' });
});

t.test('a bundle with its cache loads', async (t) => {
  const file = writeBundle(tempDir(t), 'module.exports = { n: 1 + 1 };', '0123456789abcdef');
  t.same(loadBundle(file), { n: 2 });
});

t.test('a cache whose tag is not the bundle\'s is not used', async (t) => {
  const dir = tempDir(t);
  const file = writeBundle(dir, 'module.exports = { v: "old" };', 'aaaaaaaaaaaaaaaa');
  // Same length, so V8 itself could not tell the sources apart.
  writeFileSync(file, 'module.exports = { v: "new" };\n//# tsrun-code-cache=bbbbbbbbbbbbbbbb\n');
  t.same(loadBundle(file), { v: 'new' });
});

t.test('the caches in dist/ are accepted by node without options', async (t) => {
  if (!existsSync(join(DIST, 'main.js'))) {
    t.comment('dist/ is not built');
    return;
  }
  const bundles = [join(DIST, 'main.js'), ...readdirSync(join(DIST, 'commands')).filter((f) => f.endsWith('.js')).map((f) => join(DIST, 'commands', f))];
  // The check runs in a clean node: tap's own options would change V8's flags.
  const check = `
    const { readFileSync } = require('node:fs');
    const { Script } = require('node:vm');
    const [loader, ...files] = process.argv.slice(1);
    const { wrapBundle } = require(loader);
    for (const f of files) {
      const s = new Script(wrapBundle(readFileSync(f, 'utf8')), { filename: f, cachedData: readFileSync(f + '${CODE_CACHE_SUFFIX}').subarray(${TAG_LENGTH}) });
      console.log(f, s.cachedDataRejected ? 'rejected' : 'accepted');
    }`;
  const loader = join(__dirname, '../../build/bundle-loader.js');
  const r = spawnSync(process.execPath, ['-e', check, loader, ...bundles], { encoding: 'utf8', env: { PATH: process.env.PATH ?? '' } });
  t.equal(r.status, 0, r.stderr);
  for (const f of bundles) t.match(r.stdout, `${f} accepted`, f);
});
