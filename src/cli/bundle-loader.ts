import { readFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { Script } from 'node:vm';

// Every tsrun command is a fresh Node process, and compiling a bundle's
// JavaScript was a large part of each one (the create bundle: about 7 ms
// of its 10 ms load). So each bundle in dist/ comes with a V8 code cache,
// made at build time (scripts/make-code-cache.mjs), and is loaded through
// vm.Script with it. Node 20 has no compile cache of its own for this
// (module.enableCompileCache is Node 22).
//
// A cache is code: it is only read from next to the bundle, where the
// build wrote both, never from a shared or temporary directory. A bundle
// loaded this way cannot use import() (with a code cache Node 20 loses the
// callback for it), so what needs an ES module is required normally.

export const CODE_CACHE_SUFFIX = '.v8cache';

// The build appends `//# tsrun-code-cache=TAG` to a bundle and starts its
// cache with the same TAG (a hash of the bundle), so a cache left over from
// another build is never used: V8 itself only compares the source length.
const TAG_PREFIX = '\n//# tsrun-code-cache=';
export const TAG_LENGTH = 16;

// The wrapper Node's own CommonJS loader puts around a module.
export function wrapBundle(source: string): string {
  return `(function (exports, require, module, __filename, __dirname) { ${source}\n});`;
}

export function compileBundle(file: string, source: string, cachedData?: Buffer): Script {
  return new Script(wrapBundle(source), { filename: file, cachedData });
}

function tagOf(source: string): string | undefined {
  const at = source.lastIndexOf(TAG_PREFIX);
  return at < 0 ? undefined : source.slice(at + TAG_PREFIX.length, at + TAG_PREFIX.length + TAG_LENGTH);
}

// The V8 data of the bundle's cache, or undefined when there is none or it
// belongs to another build of the bundle.
function cacheFor(file: string, source: string): Buffer | undefined {
  const tag = tagOf(source);
  if (!tag) return undefined;
  let cache: Buffer;
  try {
    cache = readFileSync(file + CODE_CACHE_SUFFIX);
  } catch {
    return undefined;
  }
  if (cache.length <= TAG_LENGTH || cache.toString('latin1', 0, TAG_LENGTH) !== tag) return undefined;
  return cache.subarray(TAG_LENGTH);
}

// Loads a CommonJS bundle of dist/ as require() would, with its code cache
// when it has a valid one (V8 compiles from source when it rejects it, e.g.
// under another Node version).
export function loadBundle(file: string): unknown {
  const source = readFileSync(file, 'utf8');
  const script = compileBundle(file, source, cacheFor(file, source));
  const module = { exports: {} as unknown };
  const fn = script.runInThisContext() as (e: unknown, r: NodeJS.Require, m: unknown, f: string, d: string) => void;
  fn.call(module.exports, module.exports, require, module, file, dirname(file));
  return module.exports;
}
