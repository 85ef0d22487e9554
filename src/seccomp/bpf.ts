// Classic BPF as seccomp runs it: struct sock_filter { u16 code; u8 jt; u8 jf; u32 k; }.
// Programs are built from blocks that end in a return and never jump out
// of themselves, so they compose without a global label pass: a branch
// puts one block after the other and jumps over the first.

export const BPF = {
  LD_W_ABS: 0x20, // A = data[k] (32 bits)
  ALU_AND_K: 0x54, // A &= k
  JA: 0x05, // pc += k
  JEQ_K: 0x15,
  JGT_K: 0x25,
  JGE_K: 0x35,
  JSET_K: 0x45,
  RET_K: 0x06,
} as const;

export const MAX_INSNS = 4096; // BPF_MAXINSNS
const MAX_JUMP = 255; // jt and jf are 8 bits

export interface Insn {
  code: number;
  jt: number;
  jf: number;
  k: number;
}

export type Block = Insn[];
export type JumpCode = typeof BPF.JEQ_K | typeof BPF.JGT_K | typeof BPF.JGE_K | typeof BPF.JSET_K;

export const load = (offset: number): Insn => ({ code: BPF.LD_W_ABS, jt: 0, jf: 0, k: offset });
export const and = (mask: number): Insn => ({ code: BPF.ALU_AND_K, jt: 0, jf: 0, k: mask >>> 0 });
export const ret = (value: number): Block => [{ code: BPF.RET_K, jt: 0, jf: 0, k: value >>> 0 }];

// if (A <op> k) then `yes` else `no`; both blocks end in a return.
export function branch(code: JumpCode, k: number, yes: Block, no: Block): Block {
  k >>>= 0;
  if (yes.length <= MAX_JUMP) return [{ code, jt: 0, jf: yes.length, k }, ...yes, ...no];
  if (no.length <= MAX_JUMP) return [{ code, jt: no.length, jf: 0, k }, ...no, ...yes];
  // Both too far for an 8-bit offset: skip an unconditional jump (32-bit offset) when true.
  return [{ code, jt: 1, jf: 0, k }, { code: BPF.JA, jt: 0, jf: 0, k: yes.length }, ...yes, ...no];
}

// A small assembler with labels for code whose jumps stay short (one
// syscall's argument checks). A target is a label or 'next'.
export type Target = string | 'next';

interface Pending {
  insn: Insn;
  jt?: Target;
  jf?: Target;
}

export class Assembler {
  private items: Pending[] = [];
  private labels = new Map<string, number>();

  label(name: string): void {
    this.labels.set(name, this.items.length);
  }
  emit(insn: Insn): void {
    this.items.push({ insn });
  }
  jump(code: JumpCode, k: number, jt: Target, jf: Target): void {
    this.items.push({ insn: { code, jt: 0, jf: 0, k: k >>> 0 }, jt, jf });
  }
  ret(value: number): void {
    this.items.push({ insn: ret(value)[0] });
  }
  finish(): Block {
    return this.items.map((p, i) => {
      const off = (t: Target | undefined) => {
        if (t === undefined || t === 'next') return 0;
        const at = this.labels.get(t);
        if (at === undefined) throw new Error(`bpf: no label ${t}`);
        const d = at - i - 1;
        if (d < 0 || d > MAX_JUMP) throw new Error(`bpf: jump to ${t} out of range (${d})`);
        return d;
      };
      return { ...p.insn, jt: off(p.jt), jf: off(p.jf) };
    });
  }
}

export function encode(program: Block): Buffer {
  const buf = Buffer.alloc(program.length * 8);
  program.forEach((insn, i) => {
    buf.writeUInt16LE(insn.code, i * 8);
    buf.writeUInt8(insn.jt, i * 8 + 2);
    buf.writeUInt8(insn.jf, i * 8 + 3);
    buf.writeUInt32LE(insn.k >>> 0, i * 8 + 4);
  });
  return buf;
}

export function decode(buf: Buffer): Block {
  const out: Block = [];
  for (let i = 0; i + 8 <= buf.length; i += 8) {
    out.push({ code: buf.readUInt16LE(i), jt: buf.readUInt8(i + 2), jf: buf.readUInt8(i + 3), k: buf.readUInt32LE(i + 4) });
  }
  return out;
}
