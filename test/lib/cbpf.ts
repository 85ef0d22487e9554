// A classic BPF interpreter for seccomp programs, for tests: it runs a
// program (struct sock_filter[] as bytes) over one struct seccomp_data and
// returns the filter's 32-bit verdict, the way the kernel's seccomp would.
// Loads are 32-bit words of seccomp_data (native endianness: little).

export interface SeccompData {
  nr: number;
  arch: number;
  ip?: bigint;
  args?: bigint[]; // up to 6, each u64
}

const DATA_LEN = 64;

export function seccompData(d: SeccompData): Buffer {
  const b = Buffer.alloc(DATA_LEN);
  b.writeInt32LE(d.nr | 0, 0);
  b.writeUInt32LE(d.arch >>> 0, 4);
  b.writeBigUInt64LE(d.ip ?? 0n, 8);
  (d.args ?? []).forEach((a, i) => b.writeBigUInt64LE(BigInt.asUintN(64, a), 16 + 8 * i));
  return b;
}

// Instruction classes and fields of linux/filter.h.
const cls = (c: number) => c & 0x07;
const size = (c: number) => c & 0x18;
const mode = (c: number) => c & 0xe0;
const op = (c: number) => c & 0xf0;
const src = (c: number) => c & 0x08;

export class BpfError extends Error {}

export function runFilter(program: Buffer, data: Buffer | SeccompData): number {
  const d = Buffer.isBuffer(data) ? data : seccompData(data);
  const n = program.length / 8;
  if (!Number.isInteger(n) || n < 1 || n > 4096) throw new BpfError(`bad program length ${program.length}`);
  let A = 0;
  let X = 0;
  const M = new Uint32Array(16);
  let pc = 0;
  for (let steps = 0; steps <= n; steps++) {
    if (pc >= n) throw new BpfError(`pc ${pc} ran off the end`);
    const at = pc * 8;
    const code = program.readUInt16LE(at);
    const jt = program.readUInt8(at + 2);
    const jf = program.readUInt8(at + 3);
    const k = program.readUInt32LE(at + 4);
    pc++;
    switch (cls(code)) {
      case 0x00: // LD
      case 0x01: { // LDX
        let v: number;
        if (size(code) !== 0x00) throw new BpfError(`pc ${pc - 1}: only 32-bit loads`);
        switch (mode(code)) {
          case 0x00: v = k; break; // IMM
          case 0x20: // ABS
            if (cls(code) !== 0x00 || k % 4 !== 0 || k + 4 > DATA_LEN) throw new BpfError(`pc ${pc - 1}: bad load at ${k}`);
            v = d.readUInt32LE(k);
            break;
          case 0x60: // MEM
            if (k >= 16) throw new BpfError(`pc ${pc - 1}: bad scratch ${k}`);
            v = M[k];
            break;
          case 0x80: v = DATA_LEN; break; // LEN
          default: throw new BpfError(`pc ${pc - 1}: bad load mode ${code}`);
        }
        if (cls(code) === 0x00) A = v >>> 0;
        else X = v >>> 0;
        break;
      }
      case 0x02: // ST
      case 0x03: // STX
        if (k >= 16) throw new BpfError(`pc ${pc - 1}: bad scratch ${k}`);
        M[k] = cls(code) === 0x02 ? A : X;
        break;
      case 0x04: { // ALU
        const b = src(code) ? X : k;
        switch (op(code)) {
          case 0x00: A = (A + b) >>> 0; break;
          case 0x10: A = (A - b) >>> 0; break;
          case 0x20: A = Number((BigInt(A) * BigInt(b)) & 0xffffffffn); break;
          case 0x30: if (b === 0) return 0; A = Math.floor(A / b) >>> 0; break;
          case 0x40: A = (A | b) >>> 0; break;
          case 0x50: A = (A & b) >>> 0; break;
          case 0x60: A = b >= 32 ? 0 : (A << b) >>> 0; break;
          case 0x70: A = b >= 32 ? 0 : A >>> b; break;
          case 0x80: A = (-A) >>> 0; break;
          case 0x90: if (b === 0) return 0; A = (A % b) >>> 0; break;
          case 0xa0: A = (A ^ b) >>> 0; break;
          default: throw new BpfError(`pc ${pc - 1}: bad alu op ${code}`);
        }
        break;
      }
      case 0x05: { // JMP
        if (op(code) === 0x00) {
          pc += k;
          break;
        }
        const b = src(code) ? X : k;
        let taken: boolean;
        switch (op(code)) {
          case 0x10: taken = A === b; break;
          case 0x20: taken = A > b; break;
          case 0x30: taken = A >= b; break;
          case 0x40: taken = (A & b) !== 0; break;
          default: throw new BpfError(`pc ${pc - 1}: bad jump ${code}`);
        }
        pc += taken ? jt : jf;
        break;
      }
      case 0x06: // RET
        return ((code & 0x18) === 0x10 ? A : k) >>> 0; // BPF_A or BPF_K
      case 0x07: // MISC
        if (code === 0x07) X = A; // TAX
        else if (code === 0x87) A = X; // TXA
        else throw new BpfError(`pc ${pc - 1}: bad misc ${code}`);
        break;
    }
  }
  throw new BpfError('no return');
}
