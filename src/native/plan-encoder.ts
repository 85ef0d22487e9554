import { ArgTag, PLAN_MAGIC, PLAN_VERSION } from './protocol';
import type { Plan, PlanArg } from '../plan/types';

const MAX_UINT64 = (1n << 64n) - 1n;

// JSON cannot hold 2^64-1 (RLIM_INFINITY and other uint64 "unlimited"
// values): it rounds them to 2^64, which must stay all ones, not wrap to 0.
function toInt64(a: number | bigint): bigint {
  if (typeof a === 'number' && a >= 2 ** 64) return MAX_UINT64;
  return BigInt(a);
}

// Appends little-endian fields to one buffer that grows as needed. A small
// Buffer per field made encoding a plan take about 1 ms, on every create.
class Writer {
  private buf = Buffer.allocUnsafe(4096);
  private pos = 0;

  private room(n: number): void {
    if (this.pos + n <= this.buf.length) return;
    const bigger = Buffer.allocUnsafe(Math.max(this.buf.length * 2, this.pos + n));
    this.buf.copy(bigger, 0, 0, this.pos);
    this.buf = bigger;
  }

  // Byte by byte: Buffer's write methods validate every call, which costs
  // more than the writing in a process that runs this once.
  u8(n: number): void {
    this.room(1);
    this.buf[this.pos++] = n;
  }

  u16(n: number): void {
    this.room(2);
    this.buf[this.pos++] = n & 0xff;
    this.buf[this.pos++] = (n >>> 8) & 0xff;
  }

  u32(n: number): void {
    this.room(4);
    for (let i = 0; i < 4; i++, n >>>= 8) this.buf[this.pos++] = n & 0xff;
  }

  // Two's complement; plain numbers that fit (nearly all) avoid BigInt.
  i64(a: number | bigint): void {
    if (typeof a === 'number' && Number.isSafeInteger(a)) {
      const high = Math.floor(a / 2 ** 32);
      this.u32(a - high * 2 ** 32);
      this.u32(high >>> 0);
      return;
    }
    const n = BigInt.asUintN(64, toInt64(a));
    this.u32(Number(n & 0xffffffffn));
    this.u32(Number(n >> 32n));
  }

  bytes(b: Buffer): void {
    this.room(b.length);
    this.pos += b.copy(this.buf, this.pos);
  }

  // u32 length (counting the NUL), the UTF-8 bytes, a NUL.
  str(s: string): void {
    if (s.includes('\0')) throw new Error(`string contains a NUL byte: ${JSON.stringify(s)}`);
    const len = Buffer.byteLength(s, 'utf8') + 1;
    this.u32(len);
    this.room(len);
    this.pos += this.buf.write(s, this.pos, 'utf8');
    this.buf[this.pos++] = 0;
  }

  done(): Buffer {
    return this.buf.subarray(0, this.pos);
  }
}

// Serialises a plan into the bytes tsrun-helper parses (see protocol.h).
export function encodePlan(plan: Plan): Buffer {
  const w = new Writer();
  const arg = (a: PlanArg) => {
    if (typeof a === 'number' || typeof a === 'bigint') {
      w.u8(ArgTag.Int);
      w.i64(a);
    } else if (typeof a === 'string') {
      w.u8(ArgTag.Str);
      w.str(a);
    } else if (Buffer.isBuffer(a)) {
      w.u8(ArgTag.Blob);
      w.u32(a.length);
      w.bytes(a);
    } else {
      w.u8(ArgTag.Strv);
      w.u32(a.length);
      for (const s of a) w.str(s);
    }
  };
  w.u32(PLAN_MAGIC);
  w.u32(PLAN_VERSION);
  w.u32(plan.ops.length);
  for (const op of plan.ops) {
    w.u16(op.code);
    w.u16(op.args.length);
    for (const a of op.args) arg(a);
  }
  return w.done();
}
