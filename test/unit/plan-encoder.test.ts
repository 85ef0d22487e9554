// Tests for src/native/plan-encoder.ts: the bytes are decoded here by a
// small reader written from the format comment in src/native/protocol.h,
// then compared with the plan they came from.

import t from 'tap';
import { detectLayout } from '../../src/cgroups/layout';
import { encodePlan } from '../../src/native/plan-encoder';
import { ArgTag, Op, PLAN_MAGIC, PLAN_VERSION } from '../../src/native/protocol';
import { compilePlan } from '../../src/plan/compile';
import type { Plan, PlanArg, PlanOp } from '../../src/plan/types';
import type { Spec } from '../../src/spec/types';

type Decoded = bigint | string | Buffer | string[];

interface DecodedPlan {
  magic: number;
  version: number;
  ops: { code: number; args: Decoded[] }[];
}

// protocol.h: u32 magic, u32 version, u32 op count, then per op u16 code,
// u16 argc and argc args, each a u8 tag then
//   ARG_INT i64 | ARG_STR u32 len, bytes ending in the only NUL |
//   ARG_BLOB u32 len, bytes | ARG_STRV u32 count, count STR bodies.
// All little-endian. Throws on anything out of bounds or malformed.
function decodePlan(buf: Buffer): DecodedPlan {
  let pos = 0;
  const need = (n: number) => {
    if (pos + n > buf.length) throw new Error(`truncated at ${pos}: need ${n} bytes`);
  };
  const u8 = () => { need(1); return buf.readUInt8(pos++); };
  const u16 = () => { need(2); const v = buf.readUInt16LE(pos); pos += 2; return v; };
  const u32 = () => { need(4); const v = buf.readUInt32LE(pos); pos += 4; return v; };
  const i64 = () => { need(8); const v = buf.readBigInt64LE(pos); pos += 8; return v; };
  const bytes = (n: number) => { need(n); const b = buf.subarray(pos, pos + n); pos += n; return Buffer.from(b); };
  const str = () => {
    const b = bytes(u32());
    if (b.length === 0 || b[b.length - 1] !== 0) throw new Error('string without a final NUL');
    if (b.indexOf(0) !== b.length - 1) throw new Error('string with an inner NUL');
    return b.subarray(0, b.length - 1).toString('utf8');
  };
  const magic = u32();
  const version = u32();
  const count = u32();
  const ops: DecodedPlan['ops'] = [];
  for (let i = 0; i < count; i++) {
    const code = u16();
    const argc = u16();
    const args: Decoded[] = [];
    for (let j = 0; j < argc; j++) {
      const tag = u8();
      if (tag === ArgTag.Int) args.push(i64());
      else if (tag === ArgTag.Str) args.push(str());
      else if (tag === ArgTag.Blob) args.push(bytes(u32()));
      else if (tag === ArgTag.Strv) {
        const n = u32();
        const v: string[] = [];
        for (let k = 0; k < n; k++) v.push(str());
        args.push(v);
      } else throw new Error(`unknown tag ${tag} at ${pos - 1}`);
    }
    ops.push({ code, args });
  }
  if (pos !== buf.length) throw new Error(`${buf.length - pos} bytes left over`);
  return { magic, version, ops };
}

// What the decoder should give back for a plan argument: integers as i64.
function expected(a: PlanArg): Decoded {
  if (typeof a === 'number' || typeof a === 'bigint') return BigInt.asIntN(64, BigInt(a));
  return a;
}

const plan = (ops: Partial<PlanOp>[]): Plan => ({
  ops: ops.map((o) => ({ code: Op.Chdir, args: [], field: 'f', step: 's', ...o })),
  waitForInit: false,
});

t.test('header: magic, version, op count', async (t) => {
  const buf = encodePlan(plan([]));
  t.equal(buf.length, 12);
  t.equal(buf.readUInt32LE(0), 0x50525354);
  t.equal(buf.subarray(0, 4).toString('latin1'), 'TSRP');
  t.equal(buf.readUInt32LE(4), 1);
  t.equal(buf.readUInt32LE(8), 0);
  t.same(decodePlan(buf), { magic: PLAN_MAGIC, version: PLAN_VERSION, ops: [] });
});

t.test('every argument kind, byte for byte', async (t) => {
  const buf = encodePlan(plan([{ code: Op.Mkdirs, args: [7, 'ab', Buffer.from([1, 2]), ['x', '']] }]));
  t.same([...buf.subarray(12)], [
    Op.Mkdirs, 0, 4, 0, // u16 code, u16 argc
    ArgTag.Int, 7, 0, 0, 0, 0, 0, 0, 0,
    ArgTag.Str, 3, 0, 0, 0, 0x61, 0x62, 0,
    ArgTag.Blob, 2, 0, 0, 0, 1, 2,
    ArgTag.Strv, 2, 0, 0, 0, 2, 0, 0, 0, 0x78, 0, 1, 0, 0, 0, 0,
  ]);
});

t.test('integers are i64: negatives, bigints and capability masks', async (t) => {
  const args: PlanArg[] = [0, -1, 0x7fffffff, 2 ** 40, 1n << 40n, (1n << 63n) - 1n, -(1n << 63n)];
  const decoded = decodePlan(encodePlan(plan([{ code: Op.Caps, args }])));
  t.same(decoded.ops[0].args, [0n, -1n, 0x7fffffffn, 1n << 40n, 1n << 40n, (1n << 63n) - 1n, -(1n << 63n)]);
});

t.test('UTF-8 strings keep their bytes', async (t) => {
  const decoded = decodePlan(encodePlan(plan([{ code: Op.Sethostname, args: ['hôte-ü'] }])));
  t.same(decoded.ops[0].args, ['hôte-ü']);
  const buf = encodePlan(plan([{ code: Op.Sethostname, args: ['ô'] }]));
  t.equal(buf.readUInt32LE(12 + 4 + 1), 3, 'length counts bytes and the NUL');
});

t.test('a compiled plan decodes back to itself', async (t) => {
  const spec: Spec = {
    ociVersion: '1.3.0',
    root: { path: 'rootfs', readonly: true },
    hostname: 'box',
    mounts: [
      { destination: '/proc', type: 'proc', source: 'proc' },
      { destination: '/dev', type: 'tmpfs', source: 'tmpfs', options: ['nosuid', 'mode=755'] },
      { destination: '/sys/fs/cgroup', type: 'cgroup', source: 'cgroup', options: ['ro'] },
    ],
    process: {
      user: { uid: 1000, gid: 1000, additionalGids: [5, 6] },
      args: ['sh', '-c', 'echo hi'],
      env: ['PATH=/bin', 'A='],
      cwd: '/',
      capabilities: { bounding: ['CAP_KILL', 'CAP_BPF'], effective: ['CAP_KILL'] },
      rlimits: [{ type: 'RLIMIT_NOFILE', soft: 1024, hard: 1024 }],
    },
    linux: {
      namespaces: [{ type: 'pid' }, { type: 'mount' }, { type: 'uts' }, { type: 'time' }, { type: 'network', path: '/run/netns/x' }],
      timeOffsets: { monotonic: { secs: -5 } },
      sysctl: { 'net.ipv4.ip_forward': '1' },
      maskedPaths: ['/proc/kcore'],
    },
  };
  const p = compilePlan({
    spec, id: 'c1', bundle: '/b', rootfs: '/b/rootfs', fifoPath: '/run/tsrun/c1/exec.fifo', cgroupPath: '/tsrun/c1',
    noPivot: false, noNewKeyring: false, foreground: true, preserveFds: 1,
    host: {
      lastCap: 40,
      cgroupLayout: detectLayout('1 0 0:1 / /sys/fs/cgroup rw - cgroup2 cgroup2 rw\n'),
      statKind: () => 'dir',
    },
  });
  const decoded = decodePlan(encodePlan(p));
  t.equal(decoded.ops.length, p.ops.length);
  t.same(decoded.ops, p.ops.map((o) => ({ code: o.code, args: o.args.map(expected) })));
  // Spot checks that do not go through `expected`.
  const exec = decoded.ops.at(-1)!;
  t.same(exec, { code: Op.Exec, args: [['sh', '-c', 'echo hi'], ['PATH=/bin', 'A=']] });
  const offsets = decoded.ops.find((o) => o.code === Op.WriteFile)!;
  t.same(offsets.args, ['/proc/self/timens_offsets', Buffer.from('monotonic -5 0')]);
  const setgroups = decoded.ops.find((o) => o.code === Op.Setgroups)!;
  t.same(setgroups.args, [5n, 6n]);
});

t.test('strings with a NUL byte are refused', async (t) => {
  t.throws(() => encodePlan(plan([{ code: Op.Chdir, args: ['/a\0b'] }])), { message: 'string contains a NUL byte: "/a\\u0000b"' });
  t.throws(() => encodePlan(plan([{ code: Op.Exec, args: [['sh', 'x\0'], []] }])), { message: /NUL byte/ });
  t.throws(() => encodePlan(plan([{ code: Op.Exec, args: [['sh'], ['A=\0']] }])), { message: /NUL byte/ });
  // A blob may hold any byte.
  const decoded = decodePlan(encodePlan(plan([{ code: Op.WriteFile, args: ['/f', Buffer.from([0, 0, 1])] }])));
  t.same(decoded.ops[0].args, ['/f', Buffer.from([0, 0, 1])]);
});

// runtime-spec rlimits are uint64, and config.json writes "unlimited" as
// 18446744073709551615 (RLIM_INFINITY). JSON.parse rounds it to 2**64, and
// BigInt.asIntN(64, 2n ** 64n) is 0: the helper is told a hard limit of 0.
t.test('an unlimited rlimit stays RLIM_INFINITY on the wire', async (t) => {
  const unlimited = JSON.parse('18446744073709551615') as number;
  const decoded = decodePlan(encodePlan(plan([{ code: Op.Setrlimit, args: [4, 0, unlimited] }])));
  t.equal(BigInt.asUintN(64, decoded.ops[0].args[2] as bigint), 0xffffffffffffffffn, 'hard limit is all ones');
});
