// Device rules on cgroup2: there is no devices.allow file; the kernel runs
// a BPF_PROG_TYPE_CGROUP_DEVICE program on every open and mknod of a device
// node and the access is allowed when it returns 1. tsrun writes that
// program here, instruction by instruction, and the helper only loads and
// attaches it (`tsrun-helper bpf-devices DIR`, program bytes on stdin).
//
// The program sees struct bpf_cgroup_dev_ctx (include/uapi/linux/bpf.h):
//   u32 access_type   (access << 16) | type; access: mknod 1, read 2, write 4; type: block 1, char 2
//   u32 major, minor
// It decides like v1's list: rules are tried from the last to the first,
// each access bit is decided by the last rule that matches the device and
// names that bit. Allow rules clear the bits they grant from what is still
// asked for (allowed once nothing is left); a deny rule that names a bit
// still asked for denies. What no rule decides is denied (the first rule
// is always "deny everything").
import { helperPath } from '../native/helper-path';
import { UserError } from '../util/errors';
import type { DeviceRule } from './resources';
import { childProcess } from '../util/child-process';

const ACCESS: Record<string, number> = { m: 1, r: 2, w: 4 };
const TYPE: Record<string, number> = { b: 1, c: 2 };

export function accessBits(access: string | undefined): number {
  let bits = 0;
  for (const ch of access ?? 'rwm') bits |= ACCESS[ch] ?? 0;
  return bits;
}

// Opcodes (include/uapi/linux/bpf_common.h and bpf.h).
const LDX_MEM_W = 0x61; // dst = *(u32 *)(src + off)
const MOV32_X = 0xbc; // dst = (u32)src
const MOV64_K = 0xb7; // dst = imm
const AND32_K = 0x54; // dst &= imm (32-bit)
const RSH32_K = 0x74; // dst >>= imm (32-bit)
const JNE_K = 0x55; // if dst != imm goto +off
const JEQ_K = 0x15; // if dst == imm goto +off
const EXIT = 0x95;

// Registers: r1 the context; r3 the type; r4 the access bits still asked
// for; r5 major; r6 minor; r7 scratch; r0 the answer.
interface Insn {
  code: number;
  dst: number;
  src: number;
  off: number;
  imm: number;
}

const I = (code: number, dst: number, src: number, off: number, imm: number): Insn => ({ code, dst, src, off, imm });

function ruleBlock(r: DeviceRule): Insn[] {
  const checks: { reg: number; value: number }[] = [];
  const type = r.type ?? 'a';
  // Type "a" is every device, whatever the numbers say (as v1's "a").
  if (type !== 'a') {
    checks.push({ reg: 3, value: TYPE[type] });
    if (r.major !== undefined && r.major >= 0) checks.push({ reg: 5, value: r.major });
    if (r.minor !== undefined && r.minor >= 0) checks.push({ reg: 6, value: r.minor });
  }
  const bits = accessBits(r.access);
  const body: Insn[] = r.allow
    ? [I(AND32_K, 4, 0, 0, ~bits & 0xffff), I(JNE_K, 4, 0, 2, 0), I(MOV64_K, 0, 0, 0, 1), I(EXIT, 0, 0, 0, 0)]
    : [I(MOV32_X, 7, 4, 0, 0), I(AND32_K, 7, 0, 0, bits), I(JEQ_K, 7, 0, 2, 0), I(MOV64_K, 0, 0, 0, 0), I(EXIT, 0, 0, 0, 0)];
  // Each check jumps past the rest of the block when the device differs.
  const out = checks.map((c, j) => I(JNE_K, c.reg, 0, checks.length - j - 1 + body.length, c.value));
  return [...out, ...body];
}

export function deviceProgram(rules: readonly DeviceRule[]): Insn[] {
  const prologue = [
    I(LDX_MEM_W, 2, 1, 0, 0), // r2 = access_type
    I(MOV32_X, 3, 2, 0, 0),
    I(AND32_K, 3, 0, 0, 0xffff), // r3 = type
    I(MOV32_X, 4, 2, 0, 0),
    I(RSH32_K, 4, 0, 0, 16), // r4 = access
    I(LDX_MEM_W, 5, 1, 4, 0), // r5 = major
    I(LDX_MEM_W, 6, 1, 8, 0), // r6 = minor
  ];
  const blocks = [...rules].reverse().flatMap(ruleBlock);
  return [...prologue, ...blocks, I(MOV64_K, 0, 0, 0, 0), I(EXIT, 0, 0, 0, 0)];
}

// struct bpf_insn: u8 code; u8 dst:4, src:4; s16 off; s32 imm (little-endian, as on x86_64 and arm64).
export function encodeProgram(insns: readonly Insn[]): Buffer {
  const buf = Buffer.alloc(insns.length * 8);
  insns.forEach((x, i) => {
    buf.writeUInt8(x.code, i * 8);
    buf.writeUInt8((x.src << 4) | x.dst, i * 8 + 1);
    buf.writeInt16LE(x.off, i * 8 + 2);
    buf.writeInt32LE(x.imm | 0, i * 8 + 4);
  });
  return buf;
}

// Runs an encoded program on one access, the way the kernel would: used by
// the unit tests to check decisions without root, and small enough to read.
export function runProgram(prog: Buffer, type: 'b' | 'c', major: number, minor: number, access: string): number {
  const r = new Array<number>(11).fill(0);
  const ctx = [((accessBits(access) << 16) | TYPE[type]) >>> 0, major >>> 0, minor >>> 0];
  for (let pc = 0; pc < prog.length / 8; pc++) {
    const code = prog.readUInt8(pc * 8);
    const regs = prog.readUInt8(pc * 8 + 1);
    const dst = regs & 0xf;
    const src = regs >> 4;
    const off = prog.readInt16LE(pc * 8 + 2);
    const imm = prog.readInt32LE(pc * 8 + 4);
    switch (code) {
      case LDX_MEM_W: if (src !== 1) throw new Error('loads only from the context'); r[dst] = ctx[off / 4]; break;
      case MOV32_X: r[dst] = r[src] >>> 0; break;
      case MOV64_K: r[dst] = imm; break;
      case AND32_K: r[dst] = (r[dst] & imm) >>> 0; break;
      case RSH32_K: r[dst] = r[dst] >>> imm; break;
      case JNE_K: if (r[dst] !== imm >>> 0) pc += off; break;
      case JEQ_K: if (r[dst] === imm >>> 0) pc += off; break;
      case EXIT: return r[0];
      default: throw new Error(`unknown opcode ${code.toString(16)} at ${pc}`);
    }
  }
  throw new Error('fell off the end of the program');
}

// Loads the program and attaches it to a cgroup2 directory (BPF_F_ALLOW_MULTI,
// so programs of parent cgroups keep running too).
export function attachDeviceProgram(dir: string, program: Buffer, field = 'linux.resources.devices'): void {
  const r = childProcess().spawnSync(helperPath(), ['bpf-devices', dir], { input: program, encoding: 'utf8', env: {} });
  if (r.error) throw new UserError(`${field}: cannot run tsrun-helper: ${r.error.message}`);
  if (r.status !== 0) throw new UserError(`${field}: cannot attach the device program to ${dir}: ${(r.stderr || '').trim() || `exit ${r.status}`}`);
}
