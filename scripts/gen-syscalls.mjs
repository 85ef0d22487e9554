#!/usr/bin/env node
// Generates the syscall number tables the seccomp compiler uses,
// src/seccomp/syscalls-<arch>.ts, from the kernel's uapi headers
// (Debian: linux-libc-dev). The output is committed; run this again after a
// kernel header upgrade:
//
//   node scripts/gen-syscalls.mjs [INCLUDE_DIR]     (default /usr/include)
//
// x86_64, i386 and x32 have one header each (asm/unistd_{64,32,x32}.h);
// aarch64 uses the generic table (asm-generic/unistd.h), which is written
// for every architecture at once with #if blocks and __NR3264_* names. A
// small preprocessor evaluates it for a 64-bit, non-compat architecture with
// the __ARCH_WANT_* switches arm64's own asm/unistd.h defines.
import { readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const top = join(dirname(fileURLToPath(import.meta.url)), '..');
const inc = process.argv[2] ?? '/usr/include';
const outDir = join(top, 'src', 'seccomp');

// What arch/arm64/include/uapi/asm/unistd.h defines before including the
// generic table.
const ARM64_DEFINES = {
  __BITS_PER_LONG: 64,
  __ARCH_WANT_RENAMEAT: 1,
  __ARCH_WANT_NEW_STAT: 1,
  __ARCH_WANT_SET_GET_RLIMIT: 1,
  __ARCH_WANT_TIME32_SYSCALLS: 1,
  __ARCH_WANT_SYS_CLONE3: 1,
  __ARCH_WANT_MEMFD_SECRET: 1,
};

// Lines with backslash continuations joined and comments removed.
function logicalLines(text) {
  const noComments = text.replace(/\/\*[\s\S]*?\*\//g, ' ').replace(/\/\/.*$/gm, '');
  return noComments.replace(/\\\n/g, ' ').split('\n').map((l) => l.trim()).filter(Boolean);
}

// Evaluates a preprocessor expression over integer macros. Only what the
// uapi headers use: defined(), integers, names, ! && || == != < > + - | & ( ).
function evaluate(expr, macros) {
  const replaced = expr
    .replace(/defined\s*\(\s*(\w+)\s*\)|defined\s+(\w+)/g, (_, a, b) => (macros.has(a ?? b) ? '1' : '0'))
    .replace(/\b[A-Za-z_]\w*\b/g, (name) => {
      const v = macros.get(name);
      if (v === undefined) return '0';
      return `(${typeof v === 'number' ? v : evaluate(v, macros)})`;
    })
    .replace(/\b(0x[0-9a-fA-F]+|\d+)[uUlL]*\b/g, '$1');
  if (!/^[\s\d()xa-fA-F!&|=<>+\-~*]*$/.test(replaced)) throw new Error(`cannot evaluate ${JSON.stringify(expr)}`);
  // eslint-disable-next-line no-new-func
  return Number(Function(`"use strict"; return (${replaced});`)());
}

// Runs the #if/#ifdef/#define lines of a header and returns its macros.
function preprocess(text, predefined) {
  const macros = new Map(Object.entries(predefined));
  const stack = []; // { active, taken } per open #if
  const active = () => stack.every((s) => s.active);
  for (const line of logicalLines(text)) {
    let m;
    if ((m = /^#\s*ifdef\s+(\w+)/.exec(line))) {
      const on = active() && macros.has(m[1]);
      stack.push({ active: on, taken: on, parentActive: active() });
    } else if ((m = /^#\s*ifndef\s+(\w+)/.exec(line))) {
      const on = active() && !macros.has(m[1]);
      stack.push({ active: on, taken: on, parentActive: active() });
    } else if ((m = /^#\s*if\s+(.*)$/.exec(line))) {
      const parent = active();
      const on = parent && evaluate(m[1], macros) !== 0;
      stack.push({ active: on, taken: on, parentActive: parent });
    } else if ((m = /^#\s*elif\s+(.*)$/.exec(line))) {
      const top = stack[stack.length - 1];
      const on = top.parentActive && !top.taken && evaluate(m[1], macros) !== 0;
      top.active = on;
      top.taken ||= on;
    } else if (/^#\s*else\b/.test(line)) {
      const top = stack[stack.length - 1];
      top.active = top.parentActive && !top.taken;
      top.taken = true;
    } else if (/^#\s*endif\b/.test(line)) {
      stack.pop();
    } else if (!active()) {
      continue;
    } else if ((m = /^#\s*define\s+(\w+)(\([^)]*\))?\s*(.*)$/.exec(line))) {
      if (!m[2]) macros.set(m[1], m[3]);
    } else if ((m = /^#\s*undef\s+(\w+)/.exec(line))) {
      macros.delete(m[1]);
    }
  }
  if (stack.length) throw new Error('unbalanced #if');
  return macros;
}

// The __NR_<name> macros of a header as name -> number.
function syscallsOf(file, predefined) {
  const macros = preprocess(readFileSync(file, 'utf8'), predefined);
  const table = new Map();
  for (const [name, value] of macros) {
    const m = /^__NR_(\w+)$/.exec(name);
    if (!m || m[1] === 'syscalls' || m[1] === 'arch_specific_syscall') continue;
    if (typeof value !== 'string' || value === '') continue;
    table.set(m[1], evaluate(value, macros));
  }
  return [...table].sort((a, b) => a[1] - b[1] || (a[0] < b[0] ? -1 : 1));
}

const versionFile = join(inc, 'linux/version.h');
const v = readFileSync(versionFile, 'utf8');
const ver = ['MAJOR', 'PATCHLEVEL', 'SUBLEVEL'].map((k) => new RegExp(`LINUX_VERSION_${k}\\s+(\\d+)`).exec(v)?.[1] ?? '?').join('.');

const asm = join(inc, 'x86_64-linux-gnu', 'asm');
const x32Bit = { __X32_SYSCALL_BIT: 0x40000000 };
const tables = [
  { arch: 'x86_64', constName: 'X86_64', file: join(asm, 'unistd_64.h'), predefined: {} },
  { arch: 'x86', constName: 'X86', file: join(asm, 'unistd_32.h'), predefined: {} },
  { arch: 'x32', constName: 'X32', file: join(asm, 'unistd_x32.h'), predefined: x32Bit },
  { arch: 'aarch64', constName: 'AARCH64', file: join(inc, 'asm-generic', 'unistd.h'), predefined: ARM64_DEFINES },
];

for (const t of tables) {
  const entries = syscallsOf(t.file, t.predefined);
  if (entries.length < 250) throw new Error(`${t.file}: only ${entries.length} syscalls found`);
  const shown = (n) => (n >= 0x40000000 ? `0x${n.toString(16)}` : String(n));
  const body = entries.map(([name, nr]) => `  ['${name}', ${shown(nr)}],`).join('\n');
  const text = `// Generated by scripts/gen-syscalls.mjs from ${t.file.replace(inc, '<include>')}
// (kernel headers ${ver}). Do not edit: regenerate with \`node scripts/gen-syscalls.mjs\`.
// ${t.arch} syscall numbers as the seccomp filter sees them in seccomp_data.nr.

export const SYSCALLS_${t.constName}: ReadonlyMap<string, number> = new Map([
${body}
]);
`;
  const out = join(outDir, `syscalls-${t.arch}.ts`);
  writeFileSync(out, text);
  console.log(`${out}: ${entries.length} syscalls`);
}
