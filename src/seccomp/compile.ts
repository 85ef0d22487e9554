// linux.seccomp -> a classic BPF program for seccomp(SECCOMP_SET_MODE_FILTER).
//
// The program, for each architecture in the filter:
//
//   A = arch; if A == AUDIT_ARCH_a1 goto a1; if A == AUDIT_ARCH_a2 goto a2; ...; return KILL_PROCESS
//   a1: A = nr
//       binary search over the syscall numbers the profile names, down to
//       ranges of numbers that share one action: `return ACTION`, or for a
//       syscall with argument conditions its rules in profile order, then
//       `return defaultAction`
//
// AUDIT_ARCH_X86_64 carries both x86_64 and x32 syscalls; x32 numbers have
// X32_SYSCALL_BIT set. An ABI the profile does not list (x32 when only
// SCMP_ARCH_X86_64 is, i386, any other) gets the "bad arch" action,
// SECCOMP_RET_KILL_PROCESS, like libseccomp's filter with its bad-arch action
// set to kill: a process must not reach the kernel through an ABI the profile
// never considered.
//
// Rule semantics follow runc with libseccomp, which is what profiles are
// written against:
// - a name the architecture does not have is skipped (per architecture);
// - a rule whose action equals the default action is dropped;
// - a rule that compares one argument index more than once is split into
//   one rule per comparison (runc's "old behaviour": they are ORed);
// - a comparison that always holds (MASKED_EQ with an empty mask) is
//   dropped, so its rule may become one without conditions;
// - a syscall with a rule without conditions takes the first such rule's
//   action, whatever other rules say (libseccomp keeps the first
//   unconditional rule and drops conditional ones for that syscall);
// - otherwise its conditional rules are tried in profile order and the
//   first that matches decides; none matching means the default action.
import { ConfigError } from '../plan/context';
import { Assembler, and, branch, encode, load, ret, type Block, BPF, MAX_INSNS } from './bpf';
import {
  ACTIONS, ARCHES, DATA, EPERM, FILTER_FLAG, FLAGS, RET, RET_DATA, X32_SYSCALL_BIT, nativeArch, type ArchDef, type CmpOp,
} from './constants';
import type { SeccompArg, SeccompProfile } from './types';

export const BAD_ARCH_ACTION = RET.KILL_PROCESS;

export interface Cond {
  index: number;
  op: CmpOp;
  value: bigint;
  valueTwo: bigint;
}

export interface Rule {
  action: number;
  conds: Cond[];
}

export interface CompiledSeccomp {
  // struct sock_filter[], little-endian.
  program: Buffer;
  instructions: number;
  // For seccomp(2): the profile's flags, plus NEW_LISTENER when an action is NOTIFY.
  flags: number;
  notify: boolean;
  // The architectures the filter covers, the native one first.
  arches: string[];
}

// The SECCOMP_RET_* value of an action name; ERRNO and TRACE take errnoRet
// (EPERM when absent, as runtime-spec and runc say).
export function actionValue(name: string, errnoRet?: number): number {
  const def = ACTIONS[name];
  if (!def) throw new Error(`unknown action ${JSON.stringify(name)}`);
  if (!def.takesErrno) return def.ret;
  return (def.ret | ((errnoRet ?? EPERM) & RET_DATA)) >>> 0;
}

const U64_MAX = (1n << 64n) - 1n;

// JSON numbers above 2^53 arrive rounded; the top of the range rounds to 2^64.
export function toU64(n: number | undefined): bigint {
  if (n === undefined) return 0n;
  const b = BigInt(Math.trunc(n));
  return b > U64_MAX ? U64_MAX : b < 0n ? 0n : b;
}

function toCond(a: SeccompArg): Cond {
  return { index: a.index, op: a.op as CmpOp, value: toU64(a.value), valueTwo: toU64(a.valueTwo) };
}

// One entry's conditions as the rules runc would add.
export function splitConds(args: SeccompArg[] | undefined): Cond[][] {
  const conds = (args ?? []).map(toCond);
  const indices = new Set(conds.map((c) => c.index));
  if (indices.size === conds.length) return [conds];
  return conds.map((c) => [c]);
}

export function filterFlags(profile: SeccompProfile, notify: boolean): number {
  let flags = 0;
  for (const f of profile.flags ?? []) flags |= FLAGS[f] ?? 0;
  if (notify) {
    flags |= FILTER_FLAG.NEW_LISTENER;
    // The kernel refuses TSYNC with NEW_LISTENER unless TSYNC failures report ESRCH.
    if (flags & FILTER_FLAG.TSYNC) flags |= FILTER_FLAG.TSYNC_ESRCH;
  }
  return flags;
}

export function usesNotify(profile: SeccompProfile): boolean {
  return profile.defaultAction === 'SCMP_ACT_NOTIFY' || (profile.syscalls ?? []).some((s) => s.action === 'SCMP_ACT_NOTIFY');
}

// The architectures in the filter: the native one, then the profile's, each
// once, leaving out the ones tsrun has no table for.
export function filterArches(profile: SeccompProfile, native: string): ArchDef[] {
  const names = [native, ...(profile.architectures ?? [])];
  return [...new Set(names)].filter((n) => n in ARCHES).map((n) => ARCHES[n]);
}

// Per architecture: syscall number -> its rules, in profile order.
export function rulesFor(profile: SeccompProfile, arch: ArchDef, defaultAction: number): Map<number, Rule[]> {
  const byNr = new Map<number, Rule[]>();
  for (const entry of profile.syscalls ?? []) {
    const action = actionValue(entry.action, entry.errnoRet);
    if (action === defaultAction) continue;
    // A comparison that always holds on this architecture (MASKED_EQ with
    // nothing in the mask) is no condition: such a rule is unconditional.
    const width = arch.bits === 64 ? U64_MAX : 0xffffffffn;
    const condSets = splitConds(entry.args).map((conds) => conds.filter((c) => !(c.op === 'SCMP_CMP_MASKED_EQ' && (c.value & width) === 0n)));
    for (const name of entry.names) {
      const nr = arch.table.get(name);
      if (nr === undefined) continue;
      let list = byNr.get(nr);
      if (!list) byNr.set(nr, (list = []));
      for (const conds of condSets) list.push({ action, conds });
    }
  }
  return byNr;
}

type Leaf = { ret: number } | { rules: Rule[] };

function decide(rules: Rule[]): Leaf {
  const plain = rules.find((r) => r.conds.length === 0);
  return plain ? { ret: plain.action } : { rules };
}

const lo32 = (v: bigint) => Number(v & 0xffffffffn);
const hi32 = (v: bigint) => Number((v >> 32n) & 0xffffffffn);

// One comparison: jumps to `pass` or `fail`.
function emitCond(a: Assembler, c: Cond, bits: 32 | 64, pass: string, fail: string): void {
  const loOff = DATA.ARGS + 8 * c.index;
  const hiOff = loOff + 4;
  // MASKED_EQ: value is the mask, valueTwo the value; bits of valueTwo
  // outside the mask are ignored, as in libseccomp.
  const mask = c.value;
  const v = c.op === 'SCMP_CMP_MASKED_EQ' ? c.valueTwo & mask : c.value;
  if (bits === 64) {
    a.emit(load(hiOff));
    const vh = hi32(v);
    switch (c.op) {
      case 'SCMP_CMP_EQ': a.jump(BPF.JEQ_K, vh, 'next', fail); break;
      case 'SCMP_CMP_NE': a.jump(BPF.JEQ_K, vh, 'next', pass); break;
      case 'SCMP_CMP_GT':
      case 'SCMP_CMP_GE':
        a.jump(BPF.JGT_K, vh, pass, 'next');
        a.jump(BPF.JEQ_K, vh, 'next', fail);
        break;
      case 'SCMP_CMP_LT':
      case 'SCMP_CMP_LE':
        a.jump(BPF.JGT_K, vh, fail, 'next');
        a.jump(BPF.JEQ_K, vh, 'next', pass);
        break;
      case 'SCMP_CMP_MASKED_EQ':
        a.emit(and(hi32(mask)));
        a.jump(BPF.JEQ_K, vh, 'next', fail);
        break;
    }
  }
  a.emit(load(loOff));
  const vl = lo32(v);
  switch (c.op) {
    case 'SCMP_CMP_EQ': a.jump(BPF.JEQ_K, vl, pass, fail); break;
    case 'SCMP_CMP_NE': a.jump(BPF.JEQ_K, vl, fail, pass); break;
    case 'SCMP_CMP_GT': a.jump(BPF.JGT_K, vl, pass, fail); break;
    case 'SCMP_CMP_GE': a.jump(BPF.JGE_K, vl, pass, fail); break;
    case 'SCMP_CMP_LT': a.jump(BPF.JGE_K, vl, fail, pass); break;
    case 'SCMP_CMP_LE': a.jump(BPF.JGT_K, vl, fail, pass); break;
    case 'SCMP_CMP_MASKED_EQ':
      a.emit(and(lo32(mask)));
      a.jump(BPF.JEQ_K, vl, pass, fail);
      break;
  }
}

// A syscall with conditional rules: each rule's comparisons in turn, the
// first rule whose comparisons all pass returns its action.
function rulesBlock(rules: Rule[], bits: 32 | 64, defaultAction: number): Block {
  const a = new Assembler();
  rules.forEach((r, i) => {
    a.label(`r${i}`);
    r.conds.forEach((c, j) => {
      emitCond(a, c, bits, `p${i}.${j}`, `r${i + 1}`);
      a.label(`p${i}.${j}`);
    });
    a.ret(r.action);
  });
  a.label(`r${rules.length}`);
  a.ret(defaultAction);
  return a.finish();
}

interface Range {
  lo: number;
  leaf: Leaf;
}

// Syscall numbers [lo, hi] with A = nr: a binary search over ranges.
function numberTree(byNr: Map<number, Rule[]>, lo: number, hi: number, bits: 32 | 64, defaultAction: number): Block {
  const ranges: Range[] = [];
  const push = (start: number, leaf: Leaf) => {
    const last = ranges[ranges.length - 1];
    if (last && 'ret' in last.leaf && 'ret' in leaf && last.leaf.ret === leaf.ret) return;
    ranges.push({ lo: start, leaf });
  };
  let next = lo;
  for (const nr of [...byNr.keys()].filter((n) => n >= lo && n <= hi).sort((x, y) => x - y)) {
    if (nr > next) push(next, { ret: defaultAction });
    push(nr, decide(byNr.get(nr)!));
    next = nr + 1;
  }
  if (next <= hi) push(next, { ret: defaultAction });

  const leafCode = (leaf: Leaf): Block => ('ret' in leaf ? ret(leaf.ret) : rulesBlock(leaf.rules, bits, defaultAction));
  const tree = (from: number, to: number): Block => {
    if (to - from === 1) return leafCode(ranges[from].leaf);
    const mid = (from + to) >> 1;
    return branch(BPF.JGE_K, ranges[mid].lo, tree(mid, to), tree(from, mid));
  };
  return tree(0, ranges.length);
}

// A = nr for one AUDIT_ARCH value and the ABIs the filter has for it.
function archBody(members: ArchDef[], profile: SeccompProfile, defaultAction: number): Block {
  const body = (arch: ArchDef, lo: number, hi: number) =>
    numberTree(rulesFor(profile, arch, defaultAction), lo, hi, arch.bits, defaultAction);
  const below = members.find((m) => m.x32 === 'below');
  const above = members.find((m) => m.x32 === 'above');
  if (below || above) {
    const low = below ? body(below, 0, X32_SYSCALL_BIT - 1) : ret(BAD_ARCH_ACTION);
    // nr -1 is how a tracer skips a syscall: not an x32 call, so the default.
    const high = above
      ? body(above, X32_SYSCALL_BIT, 0xffffffff)
      : branch(BPF.JEQ_K, 0xffffffff, ret(defaultAction), ret(BAD_ARCH_ACTION));
    return [load(DATA.NR), ...branch(BPF.JGE_K, X32_SYSCALL_BIT, high, low)];
  }
  return [load(DATA.NR), ...body(members[0], 0, 0xffffffff)];
}

// Compiles a profile that checkSeccomp accepted.
export function compileSeccomp(profile: SeccompProfile, native: string = nativeArch()): CompiledSeccomp {
  const defaultAction = actionValue(profile.defaultAction, profile.defaultErrnoRet);
  const arches = filterArches(profile, native);
  const groups = new Map<number, ArchDef[]>();
  for (const a of arches) groups.set(a.audit, [...(groups.get(a.audit) ?? []), a]);

  const dispatch = (list: [number, ArchDef[]][]): Block => {
    if (!list.length) return ret(BAD_ARCH_ACTION);
    const [[audit, members], ...rest] = list;
    return branch(BPF.JEQ_K, audit, archBody(members, profile, defaultAction), dispatch(rest));
  };
  const code: Block = [load(DATA.ARCH), ...dispatch([...groups])];
  if (code.length > MAX_INSNS) {
    throw new ConfigError('linux.seccomp', `the filter needs ${code.length} BPF instructions, more than the kernel's ${MAX_INSNS}`);
  }
  const notify = usesNotify(profile);
  return {
    program: encode(code),
    instructions: code.length,
    flags: filterFlags(profile, notify),
    notify,
    arches: arches.map((a) => a.name),
  };
}
