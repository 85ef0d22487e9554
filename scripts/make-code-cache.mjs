#!/usr/bin/env node
// Gives each bundle in dist/ its V8 code cache (src/cli/bundle-loader.ts says
// why and how it is used):
//
//   node scripts/make-code-cache.mjs LOADER BUNDLE...
//
// LOADER is src/cli/bundle-loader.ts built to CommonJS, so that the source
// compiled here is wrapped exactly as at run time. Run it as a process of
// its own with no Node options: V8 accepts a cache only under the flags it
// was made with, and tsrun runs with none.
import { createHash } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { setFlagsFromString } from 'node:v8';

const [loaderFile, ...bundles] = process.argv.slice(2);
const { compileBundle, CODE_CACHE_SUFFIX, TAG_LENGTH } = createRequire(import.meta.url)(loaderFile);

for (const file of bundles) {
  const source = readFileSync(file, 'utf8');
  const tag = createHash('sha256').update(source).digest('hex').slice(0, TAG_LENGTH);
  const tagged = `${source}\n//# tsrun-code-cache=${tag}\n`;
  writeFileSync(file, tagged);
  // V8 compiles a function when it is first called, and a cache made right
  // after compiling holds only the top level: the validators and the plan
  // compiler were then compiled on every create (about 5 ms). Compiling
  // everything up front puts all of it in the cache. The flag is put back
  // before the cache is made, since V8 stamps the cache with the flags then
  // in force and rejects it under others.
  setFlagsFromString('--no-lazy');
  const script = compileBundle(file, tagged);
  setFlagsFromString('--lazy');
  writeFileSync(file + CODE_CACHE_SUFFIX, Buffer.concat([Buffer.from(tag, 'latin1'), script.createCachedData()]));
}
