#!/usr/bin/env node
// Compiles the JSON Schemas in oci-schemas/ into standalone CommonJS validator
// modules with ajv's standalone code generator, so the runtime never loads or
// compiles ajv itself. The generated code only requires ajv's small runtime
// helpers (ajv/dist/runtime/*), which esbuild bundles.
//
//   node scripts/build-validators.mjs [outDir]      (default: build/validators)
//
// Each generated file starts with a header naming the schema and its sha256,
// so tests can tell when a generated validator is stale.

import { createHash } from 'node:crypto';
import { mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { createRequire } from 'node:module';
import { fileURLToPath, pathToFileURL } from 'node:url';
import Ajv from 'ajv';
import standaloneCode from 'ajv/dist/standalone/index.js';

const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '..');

/** Schema file (in oci-schemas/) -> generated module name. */
export const VALIDATORS = [
  { schema: 'config-schema.json', out: 'validate-config.js' },
  { schema: 'state-schema.json', out: 'validate-state.js' },
  { schema: 'features-schema.json', out: 'validate-features.js' },
];

export const DEFAULT_OUT_DIR = join(repoRoot, 'build', 'validators');

/** sha256 of a schema file's bytes, as written into the generated header. */
export function schemaHash(text) {
  return createHash('sha256').update(text).digest('hex');
}

// Compiling with strict:false silently ignores misspelt keywords ("requried"),
// so first compile every schema with a strict instance purely as a lint.
function lintSchema(name, schema) {
  const lint = new Ajv({ strict: true, strictTypes: false, strictRequired: false, allErrors: true });
  try {
    lint.compile(schema);
  } catch (err) {
    throw new Error(`${name}: ${err instanceof Error ? err.message : String(err)}`);
  }
}

// Annotation keywords have no effect on validation; dropping them keeps the
// schema constants that standalone code embeds small.
const ANNOTATIONS = new Set(['title', 'description', '$comment', 'examples']);
function stripAnnotations(value, parentKey) {
  if (Array.isArray(value)) return value.map((v) => stripAnnotations(v));
  if (value === null || typeof value !== 'object') return value;
  // Under "properties"/"definitions" the keys are names, not keywords.
  const keysAreNames = parentKey === 'properties' || parentKey === 'definitions' || parentKey === '$defs';
  const out = {};
  for (const [k, v] of Object.entries(value)) {
    if (!keysAreNames && ANNOTATIONS.has(k)) continue;
    out[k] = stripAnnotations(v, keysAreNames ? undefined : k);
  }
  return out;
}

// Standalone output declares every (sub)schema it visited as
// `const schemaN = {...};`, though most are never referenced by the code.
// Remove the unreferenced ones. The literal is JSON, so a string-aware brace
// scan finds its end.
function dropUnusedSchemaConsts(code) {
  let out = code;
  for (;;) {
    let changed = false;
    for (const m of out.matchAll(/const (schema\d+) = \{/g)) {
      const name = m[1];
      const uses = out.match(new RegExp(`\\b${name}\\b`, 'g')).length;
      if (uses > 1) continue;
      const start = m.index;
      let i = start + m[0].length - 1;
      let depth = 0;
      let inString = false;
      for (; i < out.length; i++) {
        const c = out[i];
        if (inString) {
          if (c === '\\') i++;
          else if (c === '"') inString = false;
        } else if (c === '"') inString = true;
        else if (c === '{') depth++;
        else if (c === '}' && --depth === 0) break;
      }
      if (out[i + 1] !== ';') throw new Error(`unexpected standalone output after ${name}`);
      out = out.slice(0, start) + out.slice(i + 2);
      changed = true;
      break;
    }
    if (!changed) return out;
  }
}

function compileStandalone(schema) {
  const ajv = new Ajv({
    allErrors: true,
    strict: false,
    // Referenced definitions become shared functions instead of being copied
    // into every use site: about 15% smaller output for the config schema.
    inlineRefs: false,
    code: { source: true, esm: false, optimize: 1 },
  });
  const validate = ajv.compile(stripAnnotations(schema));
  return dropUnusedSchemaConsts(standaloneCode(ajv, validate));
}

// Evaluate the generated module and run it once, so a broken transformation
// fails the build rather than the runtime. Its requires resolve from the repo,
// wherever outDir is.
function smokeTest(name, code) {
  const requireFromRepo = createRequire(join(repoRoot, 'package.json'));
  const module = { exports: {} };
  new Function('module', 'exports', 'require', code)(module, module.exports, requireFromRepo);
  const fn = module.exports;
  if (typeof fn !== 'function') throw new Error(`${name}: generated module does not export a function`);
  if (fn({}) !== false || !Array.isArray(fn.errors) || fn.errors.length === 0) {
    throw new Error(`${name}: generated validator accepted {} or reported no errors`);
  }
}

// Only ajv's runtime helpers may be required by generated code.
function checkRequires(name, code) {
  for (const m of code.matchAll(/require\(\s*["']([^"']+)["']\s*\)/g)) {
    if (!m[1].startsWith('ajv/dist/runtime/')) {
      throw new Error(`${name}: generated code requires ${JSON.stringify(m[1])}; only ajv/dist/runtime/* is allowed`);
    }
  }
}

/**
 * Builds validate-config.js, validate-state.js and validate-features.js into
 * outDir (a relative outDir is taken relative to the repository root, not the
 * current directory). Returns the written files with their sizes in bytes.
 */
export function buildValidators(outDir = DEFAULT_OUT_DIR) {
  const dir = resolve(repoRoot, outDir);
  mkdirSync(dir, { recursive: true });
  const written = [];
  for (const { schema: file, out } of VALIDATORS) {
    const schemaPath = join(repoRoot, 'oci-schemas', file);
    const text = readFileSync(schemaPath, 'utf8');
    let schema;
    try {
      schema = JSON.parse(text);
    } catch (err) {
      throw new Error(`oci-schemas/${file}: invalid JSON: ${err instanceof Error ? err.message : String(err)}`);
    }
    lintSchema(`oci-schemas/${file}`, schema);
    const code = compileStandalone(schema);
    checkRequires(`oci-schemas/${file}`, code);
    smokeTest(`oci-schemas/${file}`, code);
    const header =
      `// Generated by scripts/build-validators.mjs from oci-schemas/${file}; do not edit.\n` +
      `// schema-sha256: ${schemaHash(text)}\n`;
    const target = join(dir, out);
    const tmp = `${target}.${process.pid}.tmp`;
    writeFileSync(tmp, header + code + '\n');
    renameSync(tmp, target);
    written.push({ file: target, bytes: Buffer.byteLength(header + code + '\n') });
  }
  return written;
}

if (process.argv[1] && import.meta.url === pathToFileURL(resolve(process.argv[1])).href) {
  try {
    // On the command line a relative outDir is relative to the current directory.
    const written = buildValidators(process.argv[2] ? resolve(process.argv[2]) : DEFAULT_OUT_DIR);
    for (const { file, bytes } of written) {
      console.log(`wrote ${file} (${bytes} bytes)`);
    }
  } catch (err) {
    console.error(`build-validators: ${err instanceof Error ? err.message : String(err)}`);
    process.exit(1);
  }
}
