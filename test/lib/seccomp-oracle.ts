// libseccomp as an oracle for tsrun's seccomp compiler: test/seccomp/oracle.c,
// built on first use with the system C compiler and -lseccomp, turns a
// profile into libseccomp's BPF program. The profile goes over as lines;
// this file converts an OCI profile the way runc feeds libseccomp, written
// apart from src/seccomp so that the two can disagree.
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { SeccompProfile } from '../../src/seccomp/types';

const TOP = resolve(__dirname, '../..');
const SOURCE = join(TOP, 'test/seccomp/oracle.c');
// Built once into the project's (ignored) build directory, not left in /tmp.
const BIN_DIR = join(TOP, 'build/test');

// Why the oracle cannot be built here, or undefined when it can.
export function oracleMissing(): string | undefined {
  if (!existsSync('/usr/include/seccomp.h')) return 'libseccomp-dev is not installed (no /usr/include/seccomp.h)';
  const cc = spawnSync(process.env.CC || 'cc', ['--version']);
  if (cc.status !== 0) return 'no C compiler';
  return undefined;
}

let built: string | undefined;
export function oraclePath(): string {
  if (built) return built;
  mkdirSync(BIN_DIR, { recursive: true });
  const bin = join(BIN_DIR, 'oracle');
  if (!existsSync(bin) || statSync(bin).mtimeMs < statSync(SOURCE).mtimeMs) {
    const tmp = `${bin}.${process.pid}`;
    execFileSync(process.env.CC || 'cc', ['-O1', '-Wall', '-o', tmp, SOURCE, '-lseccomp'], { stdio: 'inherit' });
    execFileSync('mv', ['-f', tmp, bin]);
  }
  return (built = bin);
}

const ACT: Record<string, (errno: number) => number> = {
  SCMP_ACT_KILL: () => 0,
  SCMP_ACT_KILL_THREAD: () => 0,
  SCMP_ACT_KILL_PROCESS: () => 0x80000000,
  SCMP_ACT_TRAP: () => 0x00030000,
  SCMP_ACT_ERRNO: (e) => 0x00050000 | (e & 0xffff),
  SCMP_ACT_TRACE: (e) => (0x7ff00000 | (e & 0xffff)) >>> 0,
  SCMP_ACT_ALLOW: () => 0x7fff0000,
  SCMP_ACT_LOG: () => 0x7ffc0000,
  SCMP_ACT_NOTIFY: () => 0x7fc00000,
};
const action = (name: string, errno: number | undefined) => ACT[name](errno ?? 1) >>> 0;

const ARCH_WORD: Record<string, string> = {
  SCMP_ARCH_X86_64: 'x86_64', SCMP_ARCH_X86: 'x86', SCMP_ARCH_X32: 'x32', SCMP_ARCH_AARCH64: 'aarch64',
};

// The oracle's input for a profile, the way runc adds it to libseccomp:
// rules with the default action are left out, an entry that compares one
// argument twice becomes one rule per comparison.
export function oracleInput(p: SeccompProfile, badArch: number): string {
  const def = action(p.defaultAction, p.defaultErrnoRet);
  const lines = [`default ${def}`, `badarch ${badArch >>> 0}`];
  for (const a of p.architectures ?? []) if (ARCH_WORD[a]) lines.push(`arch ${ARCH_WORD[a]}`);
  for (const s of p.syscalls ?? []) {
    const act = action(s.action, s.errnoRet);
    if (act === def) continue;
    const cmps = (s.args ?? []).map((a) => `${a.index} ${a.op.replace('SCMP_CMP_', '')} ${BigInt(a.value)} ${BigInt(a.valueTwo ?? 0)}`);
    const repeated = new Set((s.args ?? []).map((a) => a.index)).size !== cmps.length;
    const groups = repeated ? cmps.map((c) => [c]) : [cmps];
    for (const name of s.names) for (const g of groups) lines.push(`rule ${act} ${name} ${g.length}${g.length ? ' ' + g.join(' ') : ''}`);
  }
  return lines.join('\n') + '\n';
}

export function libseccompProgram(p: SeccompProfile, badArch: number): Buffer {
  const r = spawnSync(oraclePath(), [], { input: oracleInput(p, badArch) });
  if (r.status !== 0) throw new Error(`oracle failed: ${r.stderr.toString()}\n${oracleInput(p, badArch)}`);
  return r.stdout;
}

// libseccomp's numbers for names: name -> [x86_64, x86, x32, aarch64] (undefined: none).
export function libseccompNumbers(names: string[]): Map<string, (number | undefined)[]> {
  const out = execFileSync(oraclePath(), ['resolve'], { input: names.join('\n') + '\n' }).toString();
  const m = new Map<string, (number | undefined)[]>();
  for (const line of out.trim().split('\n')) {
    const [name, ...nums] = line.split(' ');
    m.set(name, nums.map((n) => (n === '-' ? undefined : Number(n))));
  }
  return m;
}
