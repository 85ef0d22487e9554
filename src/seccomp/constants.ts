// The numbers of the seccomp kernel ABI (linux/seccomp.h, linux/audit.h)
// and the libseccomp names that config.json uses for them.
import { SYSCALLS_AARCH64 } from './syscalls-aarch64';
import { SYSCALLS_X32 } from './syscalls-x32';
import { SYSCALLS_X86 } from './syscalls-x86';
import { SYSCALLS_X86_64 } from './syscalls-x86_64';

// SECCOMP_RET_*: the action in the high 16 bits, data in the low 16.
export const RET = {
  KILL_PROCESS: 0x80000000,
  KILL_THREAD: 0x00000000,
  TRAP: 0x00030000,
  ERRNO: 0x00050000,
  USER_NOTIF: 0x7fc00000,
  TRACE: 0x7ff00000,
  LOG: 0x7ffc0000,
  ALLOW: 0x7fff0000,
} as const;

export const RET_DATA = 0x0000ffff;
// The kernel clamps a larger errno to this (MAX_ERRNO).
export const MAX_ERRNO = 4095;
export const EPERM = 1;

export interface ActionDef {
  ret: number;
  // ERRNO and TRACE carry a number (errnoRet, EPERM when absent).
  takesErrno: boolean;
}

export const ACTIONS: Readonly<Record<string, ActionDef>> = {
  SCMP_ACT_KILL: { ret: RET.KILL_THREAD, takesErrno: false },
  SCMP_ACT_KILL_THREAD: { ret: RET.KILL_THREAD, takesErrno: false },
  SCMP_ACT_KILL_PROCESS: { ret: RET.KILL_PROCESS, takesErrno: false },
  SCMP_ACT_TRAP: { ret: RET.TRAP, takesErrno: false },
  SCMP_ACT_ERRNO: { ret: RET.ERRNO, takesErrno: true },
  SCMP_ACT_TRACE: { ret: RET.TRACE, takesErrno: true },
  SCMP_ACT_ALLOW: { ret: RET.ALLOW, takesErrno: false },
  SCMP_ACT_LOG: { ret: RET.LOG, takesErrno: false },
  SCMP_ACT_NOTIFY: { ret: RET.USER_NOTIF, takesErrno: false },
};

export const OPS = ['SCMP_CMP_NE', 'SCMP_CMP_LT', 'SCMP_CMP_LE', 'SCMP_CMP_EQ', 'SCMP_CMP_GE', 'SCMP_CMP_GT', 'SCMP_CMP_MASKED_EQ'] as const;
export type CmpOp = (typeof OPS)[number];

// seccomp(2) SECCOMP_SET_MODE_FILTER flags.
export const FILTER_FLAG = {
  TSYNC: 1 << 0,
  LOG: 1 << 1,
  SPEC_ALLOW: 1 << 2,
  NEW_LISTENER: 1 << 3,
  TSYNC_ESRCH: 1 << 4,
  WAIT_KILLABLE_RECV: 1 << 5,
} as const;

export const FLAGS: Readonly<Record<string, number>> = {
  SECCOMP_FILTER_FLAG_TSYNC: FILTER_FLAG.TSYNC,
  SECCOMP_FILTER_FLAG_LOG: FILTER_FLAG.LOG,
  SECCOMP_FILTER_FLAG_SPEC_ALLOW: FILTER_FLAG.SPEC_ALLOW,
  SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV: FILTER_FLAG.WAIT_KILLABLE_RECV,
};

// struct seccomp_data: int nr; __u32 arch; __u64 instruction_pointer; __u64 args[6].
export const DATA = { NR: 0, ARCH: 4, IP: 8, ARGS: 16 } as const;
export const MAX_ARGS = 6;

export const X32_SYSCALL_BIT = 0x40000000;

export const AUDIT_ARCH = {
  X86_64: 0xc000003e, // EM_X86_64 | 64BIT | LE
  I386: 0x40000003, // EM_386 | LE
  AARCH64: 0xc00000b7, // EM_AARCH64 | 64BIT | LE
} as const;

export interface ArchDef {
  name: string;
  audit: number;
  table: ReadonlyMap<string, number>;
  // Compare all 64 bits of an argument, or (32-bit ABIs) only the low half.
  bits: 32 | 64;
  // x86_64 and x32 share AUDIT_ARCH_X86_64; x32 numbers carry X32_SYSCALL_BIT.
  x32?: 'below' | 'above';
}

// The architectures tsrun has syscall tables for. All are little-endian:
// an argument's low half is at args[i], its high half 4 bytes later.
export const ARCHES: Readonly<Record<string, ArchDef>> = {
  SCMP_ARCH_X86_64: { name: 'SCMP_ARCH_X86_64', audit: AUDIT_ARCH.X86_64, table: SYSCALLS_X86_64, bits: 64, x32: 'below' },
  SCMP_ARCH_X86: { name: 'SCMP_ARCH_X86', audit: AUDIT_ARCH.I386, table: SYSCALLS_X86, bits: 32 },
  SCMP_ARCH_X32: { name: 'SCMP_ARCH_X32', audit: AUDIT_ARCH.X86_64, table: SYSCALLS_X32, bits: 32, x32: 'above' },
  SCMP_ARCH_AARCH64: { name: 'SCMP_ARCH_AARCH64', audit: AUDIT_ARCH.AARCH64, table: SYSCALLS_AARCH64, bits: 64 },
};

// Every name runtime-spec lists (libseccomp 2.6). Those without an entry in
// ARCHES are accepted and left out of the filter, as runc does for an
// architecture its libseccomp does not know.
export const KNOWN_ARCH_NAMES = new Set([
  'SCMP_ARCH_X86', 'SCMP_ARCH_X86_64', 'SCMP_ARCH_X32', 'SCMP_ARCH_ARM', 'SCMP_ARCH_AARCH64',
  'SCMP_ARCH_MIPS', 'SCMP_ARCH_MIPS64', 'SCMP_ARCH_MIPS64N32', 'SCMP_ARCH_MIPSEL', 'SCMP_ARCH_MIPSEL64',
  'SCMP_ARCH_MIPSEL64N32', 'SCMP_ARCH_PPC', 'SCMP_ARCH_PPC64', 'SCMP_ARCH_PPC64LE', 'SCMP_ARCH_S390',
  'SCMP_ARCH_S390X', 'SCMP_ARCH_PARISC', 'SCMP_ARCH_PARISC64', 'SCMP_ARCH_RISCV64', 'SCMP_ARCH_LOONGARCH64',
  'SCMP_ARCH_M68K', 'SCMP_ARCH_SH', 'SCMP_ARCH_SHEB',
]);

// The architecture of the machine tsrun runs on: always in the filter, as
// libseccomp's seccomp_init puts it there for runc.
export function nativeArch(nodeArch: string = process.arch): string {
  switch (nodeArch) {
    case 'x64': return 'SCMP_ARCH_X86_64';
    case 'ia32': return 'SCMP_ARCH_X86';
    case 'arm64': return 'SCMP_ARCH_AARCH64';
    default: throw new Error(`seccomp: tsrun has no syscall table for ${nodeArch}`);
  }
}
