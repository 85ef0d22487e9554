// The seccomp compiler (src/seccomp/compile.ts): profiles compiled to BPF
// and run in the test interpreter, checked against the meaning of the
// profile computed directly in the test.
import t from 'tap';
import { decode, branch, ret, BPF, encode } from '../../src/seccomp/bpf';
import { BAD_ARCH_ACTION, compileSeccomp } from '../../src/seccomp/compile';
import { AUDIT_ARCH, FILTER_FLAG, RET, X32_SYSCALL_BIT } from '../../src/seccomp/constants';
import { SYSCALLS_AARCH64 } from '../../src/seccomp/syscalls-aarch64';
import { SYSCALLS_X32 } from '../../src/seccomp/syscalls-x32';
import { SYSCALLS_X86 } from '../../src/seccomp/syscalls-x86';
import { SYSCALLS_X86_64 } from '../../src/seccomp/syscalls-x86_64';
import type { SeccompProfile } from '../../src/seccomp/types';
import { runFilter } from '../lib/cbpf';
import { dockerProfile } from '../lib/docker-profile';

const X64 = AUDIT_ARCH.X86_64;
const I386 = AUDIT_ARCH.I386;
const ARM64 = AUDIT_ARCH.AARCH64;
const nr64 = (name: string) => SYSCALLS_X86_64.get(name)!;
const ERRNO = (e: number) => (RET.ERRNO | e) >>> 0;

function verdict(p: SeccompProfile, nr: number, arch: number = X64, args: bigint[] = [], native = 'SCMP_ARCH_X86_64'): number {
  return runFilter(compileSeccomp(p, native).program, { nr, arch, args });
}

t.test('actions and their return values', async (t) => {
  const cases: [string, number | undefined, number][] = [
    ['SCMP_ACT_KILL', undefined, RET.KILL_THREAD],
    ['SCMP_ACT_KILL_THREAD', undefined, RET.KILL_THREAD],
    ['SCMP_ACT_KILL_PROCESS', undefined, RET.KILL_PROCESS],
    ['SCMP_ACT_TRAP', undefined, RET.TRAP],
    ['SCMP_ACT_ERRNO', undefined, ERRNO(1)],
    ['SCMP_ACT_ERRNO', 38, ERRNO(38)],
    ['SCMP_ACT_TRACE', undefined, (RET.TRACE | 1) >>> 0],
    ['SCMP_ACT_TRACE', 5, (RET.TRACE | 5) >>> 0],
    ['SCMP_ACT_ALLOW', undefined, RET.ALLOW],
    ['SCMP_ACT_LOG', undefined, RET.LOG],
    ['SCMP_ACT_NOTIFY', undefined, RET.USER_NOTIF],
  ];
  for (const [action, errnoRet, want] of cases) {
    const p: SeccompProfile = { defaultAction: 'SCMP_ACT_ALLOW', listenerPath: '/x', syscalls: [{ names: ['getpid'], action, errnoRet }] };
    if (action === 'SCMP_ACT_ALLOW') p.defaultAction = 'SCMP_ACT_LOG';
    t.equal(verdict(p, nr64('getpid')), want, `${action}${errnoRet !== undefined ? `(${errnoRet})` : ''}`);
    const d: SeccompProfile = { defaultAction: action, defaultErrnoRet: errnoRet };
    t.equal(verdict(d, nr64('getpid')), want, `default ${action}`);
  }
});

t.test('architectures', async (t) => {
  const p: SeccompProfile = { defaultAction: 'SCMP_ACT_ALLOW', architectures: ['SCMP_ARCH_X86_64'], syscalls: [{ names: ['read'], action: 'SCMP_ACT_ERRNO' }] };
  t.equal(verdict(p, 0), ERRNO(1), 'x86_64 read');
  t.equal(verdict(p, 1), RET.ALLOW, 'x86_64 write');
  t.equal(verdict(p, X32_SYSCALL_BIT + 0, X64), BAD_ARCH_ACTION, 'x32 is another ABI: not listed, killed');
  t.equal(verdict(p, 3, I386), BAD_ARCH_ACTION, 'i386 not listed, killed');
  t.equal(verdict(p, 63, ARM64), BAD_ARCH_ACTION, 'aarch64 not listed, killed');
  t.equal(verdict(p, 0xffffffff, X64), RET.ALLOW, 'nr -1 (a tracer skipping a syscall) gets the default');
  t.equal(BAD_ARCH_ACTION, RET.KILL_PROCESS);

  const all: SeccompProfile = { ...p, architectures: ['SCMP_ARCH_X86_64', 'SCMP_ARCH_X86', 'SCMP_ARCH_X32', 'SCMP_ARCH_AARCH64', 'SCMP_ARCH_ARM', 'SCMP_ARCH_S390X'] };
  t.equal(verdict(all, SYSCALLS_X32.get('read')!, X64), ERRNO(1), 'x32 read');
  t.equal(verdict(all, SYSCALLS_X86.get('read')!, I386), ERRNO(1), 'i386 read is 3');
  t.equal(verdict(all, 0, I386), RET.ALLOW, 'i386 0 is restart_syscall');
  t.equal(verdict(all, SYSCALLS_AARCH64.get('read')!, ARM64), ERRNO(1), 'aarch64 read is 63');
  t.equal(verdict(all, 3, 0x40000028), BAD_ARCH_ACTION, 'arm has no table in tsrun: left out, so killed');
  t.same(compileSeccomp(all, 'SCMP_ARCH_X86_64').arches, ['SCMP_ARCH_X86_64', 'SCMP_ARCH_X86', 'SCMP_ARCH_X32', 'SCMP_ARCH_AARCH64']);

  const onlyI386: SeccompProfile = { ...p, architectures: ['SCMP_ARCH_X86'] };
  t.equal(verdict(onlyI386, 0, X64), ERRNO(1), 'the native architecture is always in the filter');
  const x32only: SeccompProfile = { ...p, architectures: ['SCMP_ARCH_X32'] };
  t.equal(verdict(x32only, SYSCALLS_X32.get('read')!, X64, [], 'SCMP_ARCH_AARCH64'), ERRNO(1));
  t.equal(verdict(x32only, 0, X64, [], 'SCMP_ARCH_AARCH64'), BAD_ARCH_ACTION, 'x86_64 numbers without x86_64 in the filter');
  t.equal(verdict(p, 56, ARM64, [], 'SCMP_ARCH_AARCH64'), RET.ALLOW, 'native aarch64');
  t.equal(verdict(p, 63, ARM64, [], 'SCMP_ARCH_AARCH64'), ERRNO(1));
});

// The meaning of one comparison, straight from the spec.
function holds(op: string, arg: bigint, value: bigint, valueTwo: bigint, bits: 32 | 64): boolean {
  const m = bits === 64 ? (1n << 64n) - 1n : 0xffffffffn;
  const a = arg & m;
  const v = value & m;
  switch (op) {
    case 'SCMP_CMP_NE': return a !== v;
    case 'SCMP_CMP_LT': return a < v;
    case 'SCMP_CMP_LE': return a <= v;
    case 'SCMP_CMP_EQ': return a === v;
    case 'SCMP_CMP_GE': return a >= v;
    case 'SCMP_CMP_GT': return a > v;
    case 'SCMP_CMP_MASKED_EQ': return (a & v) === (valueTwo & v & m);
  }
  throw new Error(op);
}

t.test('every comparison on 64-bit and 32-bit arguments', async (t) => {
  const values = [0n, 1n, 5n, 0xfffffffen, 0xffffffffn, 0x100000000n, 0x100000005n, 0x500000000n, 0x7fffffffffffffffn, (1n << 64n) - 1n];
  const args = [...values, 4n, 6n, 0x100000004n, 0x100000006n, 0x4ffffffffn, 0x500000001n, 0xabcdef0012345678n];
  let n = 0;
  for (const op of ['SCMP_CMP_NE', 'SCMP_CMP_LT', 'SCMP_CMP_LE', 'SCMP_CMP_EQ', 'SCMP_CMP_GE', 'SCMP_CMP_GT', 'SCMP_CMP_MASKED_EQ']) {
    for (const value of values) {
      const valueTwo = op === 'SCMP_CMP_MASKED_EQ' ? value & 0xf0000000fn : 0n;
      const p: SeccompProfile = {
        defaultAction: 'SCMP_ACT_ALLOW',
        architectures: ['SCMP_ARCH_X86'],
        syscalls: [{ names: ['write'], action: 'SCMP_ACT_ERRNO', args: [{ index: 2, value: Number(value), valueTwo: Number(valueTwo), op }] }],
      };
      // JSON numbers: the compiler gets the value rounded like any config would.
      const v = BigInt(Math.trunc(Number(value)));
      const v2 = BigInt(Math.trunc(Number(valueTwo)));
      const clamp = (x: bigint) => (x >= 1n << 64n ? (1n << 64n) - 1n : x);
      const prog = compileSeccomp(p, 'SCMP_ARCH_X86_64').program;
      for (const a of args) {
        for (const [arch, nr, bits] of [[X64, 1, 64], [I386, 4, 32]] as const) {
          const got = runFilter(prog, { nr, arch, args: [0n, 0n, a] }) === ERRNO(1);
          const want = holds(op, a, clamp(v), clamp(v2), bits);
          if (got !== want) t.fail(`${op} ${value.toString(16)} on ${bits}-bit arg ${a.toString(16)}: got ${got}`);
          n++;
        }
      }
    }
  }
  t.pass(`${n} comparisons`);
});

t.test('rule semantics', async (t) => {
  const kill = nr64('kill');
  const split: SeccompProfile = {
    defaultAction: 'SCMP_ACT_ALLOW',
    syscalls: [{ names: ['kill'], action: 'SCMP_ACT_ERRNO', args: [{ index: 1, value: 9, op: 'SCMP_CMP_EQ' }, { index: 1, value: 15, op: 'SCMP_CMP_EQ' }] }],
  };
  t.equal(verdict(split, kill, X64, [0n, 9n]), ERRNO(1), 'one index twice: ORed like runc');
  t.equal(verdict(split, kill, X64, [0n, 15n]), ERRNO(1));
  t.equal(verdict(split, kill, X64, [0n, 2n]), RET.ALLOW);

  const anded: SeccompProfile = {
    defaultAction: 'SCMP_ACT_ALLOW',
    syscalls: [{ names: ['kill'], action: 'SCMP_ACT_ERRNO', args: [{ index: 0, value: 1, op: 'SCMP_CMP_EQ' }, { index: 1, value: 9, op: 'SCMP_CMP_EQ' }] }],
  };
  t.equal(verdict(anded, kill, X64, [1n, 9n]), ERRNO(1), 'different indices: ANDed');
  t.equal(verdict(anded, kill, X64, [1n, 8n]), RET.ALLOW);
  t.equal(verdict(anded, kill, X64, [2n, 9n]), RET.ALLOW);

  // The case libseccomp 2.5.4 gets wrong: two rules on one argument with 64-bit ranges.
  const ranges: SeccompProfile = {
    defaultAction: 'SCMP_ACT_TRAP',
    syscalls: [{ names: ['flock'], action: 'SCMP_ACT_LOG', args: [{ index: 4, value: 0x9dd0b00000000, op: 'SCMP_CMP_GT' }, { index: 4, value: 0x100000000, op: 'SCMP_CMP_LT' }] }],
  };
  t.equal(verdict(ranges, nr64('flock'), X64, [0n, 0n, 0n, 0n, 0x17fffffffn]), RET.TRAP, '0x1_7fffffff is neither above nor below');
  t.equal(verdict(ranges, nr64('flock'), X64, [0n, 0n, 0n, 0n, 0xffffffffn]), RET.LOG);
  t.equal(verdict(ranges, nr64('flock'), X64, [0n, 0n, 0n, 0n, 0x9dd0b00000001n]), RET.LOG);

  const order: SeccompProfile = {
    defaultAction: 'SCMP_ACT_ALLOW',
    syscalls: [
      { names: ['socket'], action: 'SCMP_ACT_ERRNO', errnoRet: 22, args: [{ index: 0, value: 16, op: 'SCMP_CMP_EQ' }, { index: 2, value: 9, op: 'SCMP_CMP_EQ' }] },
      { names: ['socket'], action: 'SCMP_ACT_LOG', args: [{ index: 0, value: 16, op: 'SCMP_CMP_EQ' }] },
    ],
  };
  t.equal(verdict(order, nr64('socket'), X64, [16n, 3n, 9n]), ERRNO(22), 'conditional rules in profile order');
  t.equal(verdict(order, nr64('socket'), X64, [16n, 3n, 0n]), RET.LOG);
  t.equal(verdict(order, nr64('socket'), X64, [2n, 1n, 0n]), RET.ALLOW);

  const uncond: SeccompProfile = {
    defaultAction: 'SCMP_ACT_ALLOW',
    syscalls: [
      { names: ['getpid'], action: 'SCMP_ACT_ERRNO', args: [{ index: 0, value: 1, op: 'SCMP_CMP_EQ' }] },
      { names: ['getpid'], action: 'SCMP_ACT_TRAP' },
      { names: ['getpid'], action: 'SCMP_ACT_LOG' },
      { names: ['getpid'], action: 'SCMP_ACT_KILL', args: [{ index: 0, value: 1, op: 'SCMP_CMP_MASKED_EQ', valueTwo: 1 }] },
    ],
  };
  t.equal(verdict(uncond, nr64('getpid'), X64, [1n]), RET.TRAP, 'the first rule without conditions decides');
  const tautology: SeccompProfile = {
    defaultAction: 'SCMP_ACT_ALLOW',
    syscalls: [
      { names: ['getpid'], action: 'SCMP_ACT_ERRNO', args: [{ index: 0, value: 0, op: 'SCMP_CMP_MASKED_EQ', valueTwo: 0 }] },
      { names: ['getpid'], action: 'SCMP_ACT_TRAP' },
    ],
  };
  t.equal(verdict(tautology, nr64('getpid'), X64, [7n]), ERRNO(1), 'MASKED_EQ with an empty mask is no condition');

  const same: SeccompProfile = {
    defaultAction: 'SCMP_ACT_ERRNO',
    syscalls: [{ names: ['getpid'], action: 'SCMP_ACT_ERRNO', errnoRet: 1 }, { names: ['getpid'], action: 'SCMP_ACT_ALLOW', args: [{ index: 0, value: 0, op: 'SCMP_CMP_EQ' }] }],
  };
  t.equal(verdict(same, nr64('getpid'), X64, [0n]), RET.ALLOW, 'a rule with the default action is dropped, not a catch-all');

  const unknown: SeccompProfile = { defaultAction: 'SCMP_ACT_ALLOW', syscalls: [{ names: ['no_such_call', 'open', 'getppid'], action: 'SCMP_ACT_ERRNO' }], architectures: ['SCMP_ARCH_AARCH64'] };
  t.equal(verdict(unknown, nr64('getppid')), ERRNO(1), 'unknown names are skipped, the rest apply');
  t.equal(verdict(unknown, nr64('open')), ERRNO(1), 'open on x86_64');
  t.equal(verdict(unknown, SYSCALLS_AARCH64.get('getppid')!, ARM64), ERRNO(1), 'aarch64 has getppid');
  t.equal(verdict(unknown, 2, ARM64), RET.ALLOW, 'aarch64 has no open: 2 is io_submit there');
});

t.test('flags', async (t) => {
  const base: SeccompProfile = { defaultAction: 'SCMP_ACT_ALLOW' };
  t.equal(compileSeccomp(base, 'SCMP_ARCH_X86_64').flags, 0);
  t.equal(compileSeccomp({ ...base, flags: ['SECCOMP_FILTER_FLAG_TSYNC', 'SECCOMP_FILTER_FLAG_LOG', 'SECCOMP_FILTER_FLAG_SPEC_ALLOW'] }, 'SCMP_ARCH_X86_64').flags, 1 | 2 | 4);
  const notify: SeccompProfile = { ...base, listenerPath: '/x', syscalls: [{ names: ['mknod'], action: 'SCMP_ACT_NOTIFY' }] };
  const c = compileSeccomp(notify, 'SCMP_ARCH_X86_64');
  t.ok(c.notify);
  t.equal(c.flags, FILTER_FLAG.NEW_LISTENER);
  t.equal(compileSeccomp({ ...notify, flags: ['SECCOMP_FILTER_FLAG_TSYNC'] }, 'SCMP_ARCH_X86_64').flags,
    FILTER_FLAG.TSYNC | FILTER_FLAG.NEW_LISTENER | FILTER_FLAG.TSYNC_ESRCH, 'TSYNC with a listener needs TSYNC_ESRCH');
});

t.test('long programs: jumps beyond 8 bits', async (t) => {
  // Every syscall with an argument condition: leaves far apart.
  const names = [...SYSCALLS_X86_64.keys()];
  const p: SeccompProfile = {
    defaultAction: 'SCMP_ACT_ERRNO',
    architectures: ['SCMP_ARCH_X86_64'],
    syscalls: names.map((n, i) => ({ names: [n], action: i % 2 ? 'SCMP_ACT_ALLOW' : 'SCMP_ACT_LOG', args: [{ index: i % 6, value: i, op: 'SCMP_CMP_EQ' }] })),
  };
  const c = compileSeccomp(p, 'SCMP_ARCH_X86_64');
  t.ok(c.instructions > 2000 && c.instructions <= 4096, `${c.instructions} instructions`);
  t.ok(decode(c.program).some((i) => i.code === BPF.JA), 'uses long jumps');
  names.forEach((n, i) => {
    const args = [0n, 0n, 0n, 0n, 0n, 0n];
    args[i % 6] = BigInt(i);
    const want = i % 2 ? RET.ALLOW : RET.LOG;
    if (runFilter(c.program, { nr: nr64(n), arch: X64, args }) !== want) t.fail(`${n}`);
    args[i % 6] = BigInt(i + 1);
    if (runFilter(c.program, { nr: nr64(n), arch: X64, args }) !== ERRNO(1)) t.fail(`${n} other value`);
  });
  t.throws(() => compileSeccomp({ ...p, architectures: ['SCMP_ARCH_X86_64', 'SCMP_ARCH_X86', 'SCMP_ARCH_X32'] }, 'SCMP_ARCH_X86_64'),
    /linux\.seccomp: the filter needs \d+ BPF instructions, more than the kernel's 4096/);

  // branch(): both sides too far for jt/jf.
  const far = Array.from({ length: 300 }, () => ret(1)[0]);
  const code = branch(BPF.JEQ_K, 7, [...far.slice(1), ...ret(2)], [...far.slice(1), ...ret(3)]);
  const prog = encode(code);
  t.equal(runFilter(prog, Buffer.alloc(64)), 1);
});

const docker = dockerProfile();
const noDocker = docker ? false : "no copy of Docker's default profile (scripts/setup.sh gets one from Debian's containers-common)";
t.test("Docker's default profile", { skip: noDocker }, async (t) => {
  const p = docker!;
  const c = compileSeccomp(p, 'SCMP_ARCH_X86_64');
  t.comment(`Docker's default profile: ${p.syscalls!.reduce((n, s) => n + s.names.length, 0)} names, ${c.instructions} instructions for ${c.arches.join(', ')}`);
  t.ok(c.instructions < 1500, `${c.instructions} instructions, well under 4096`);
  t.equal(runFilter(c.program, { nr: nr64('read'), arch: X64 }), RET.ALLOW);
  t.equal(runFilter(c.program, { nr: nr64('add_key'), arch: X64 }), ERRNO(p.defaultErrnoRet ?? 1), 'add_key is not allowed');
  t.equal(runFilter(c.program, { nr: nr64('bpf'), arch: X64 }), ERRNO(1), 'bpf needs CAP_SYS_ADMIN');
  t.equal(runFilter(c.program, { nr: SYSCALLS_X86.get('socketcall')!, arch: I386 }), RET.ALLOW, 'i386 covered');
  t.equal(runFilter(c.program, { nr: nr64('personality'), arch: X64, args: [8n] }), RET.ALLOW);
  t.not(runFilter(c.program, { nr: nr64('personality'), arch: X64, args: [0x40000n] }), RET.ALLOW);
  t.equal(runFilter(c.program, { nr: nr64('clone'), arch: X64, args: [0x11n] }), RET.ALLOW);
  t.equal(runFilter(c.program, { nr: SYSCALLS_X32.get('clone')!, arch: X64, args: [0x11n] }), RET.ALLOW, 'x32 covered');
});
