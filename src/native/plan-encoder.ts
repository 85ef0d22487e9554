import { ArgTag, PLAN_MAGIC, PLAN_VERSION } from './protocol';
import type { Plan, PlanArg } from '../plan/types';

// JSON cannot hold 2^64-1 (RLIM_INFINITY and other uint64 "unlimited"
// values): it rounds them to 2^64, which must stay all ones, not wrap to 0.
function toInt64(a: number | bigint): bigint {
  if (typeof a === 'number' && a >= 2 ** 64) return (1n << 64n) - 1n;
  return BigInt(a);
}

// Serialises a plan into the bytes tsrun-helper parses (see protocol.h).
export function encodePlan(plan: Plan): Buffer {
  const parts: Buffer[] = [];
  const u8 = (n: number) => parts.push(Buffer.from([n]));
  const u16 = (n: number) => { const b = Buffer.alloc(2); b.writeUInt16LE(n); parts.push(b); };
  const u32 = (n: number) => { const b = Buffer.alloc(4); b.writeUInt32LE(n); parts.push(b); };
  const str = (s: string) => {
    if (s.includes('\0')) throw new Error(`string contains a NUL byte: ${JSON.stringify(s)}`);
    const b = Buffer.from(s + '\0', 'utf8');
    u32(b.length);
    parts.push(b);
  };
  const arg = (a: PlanArg) => {
    if (typeof a === 'number' || typeof a === 'bigint') {
      u8(ArgTag.Int);
      const b = Buffer.alloc(8);
      b.writeBigInt64LE(BigInt.asIntN(64, toInt64(a)));
      parts.push(b);
    } else if (typeof a === 'string') {
      u8(ArgTag.Str);
      str(a);
    } else if (Buffer.isBuffer(a)) {
      u8(ArgTag.Blob);
      u32(a.length);
      parts.push(a);
    } else {
      u8(ArgTag.Strv);
      u32(a.length);
      a.forEach(str);
    }
  };
  u32(PLAN_MAGIC);
  u32(PLAN_VERSION);
  u32(plan.ops.length);
  for (const op of plan.ops) {
    u16(op.code);
    u16(op.args.length);
    op.args.forEach(arg);
  }
  return Buffer.concat(parts);
}
