// The syscall tables generated from the kernel headers by
// scripts/gen-syscalls.mjs: well-known numbers, and agreement with
// libseccomp's own tables where libseccomp is installed.
import t from 'tap';
import { ARCHES, X32_SYSCALL_BIT } from '../../src/seccomp/constants';
import { SYSCALLS_AARCH64 } from '../../src/seccomp/syscalls-aarch64';
import { SYSCALLS_X32 } from '../../src/seccomp/syscalls-x32';
import { SYSCALLS_X86 } from '../../src/seccomp/syscalls-x86';
import { SYSCALLS_X86_64 } from '../../src/seccomp/syscalls-x86_64';
import { libseccompNumbers, oracleMissing } from '../lib/seccomp-oracle';

t.test('well-known numbers', async (t) => {
  t.equal(SYSCALLS_X86_64.get('read'), 0);
  t.equal(SYSCALLS_X86_64.get('write'), 1);
  t.equal(SYSCALLS_X86_64.get('openat'), 257);
  t.equal(SYSCALLS_X86_64.get('clone3'), 435);
  t.equal(SYSCALLS_X86.get('read'), 3);
  t.equal(SYSCALLS_X86.get('socketcall'), 102);
  t.equal(SYSCALLS_X86.get('_llseek'), 140);
  t.equal(SYSCALLS_X32.get('read'), X32_SYSCALL_BIT + 0);
  t.equal(SYSCALLS_X32.get('rt_sigaction'), X32_SYSCALL_BIT + 512, 'x32 has its own numbers from 512');
  t.equal(SYSCALLS_AARCH64.get('openat'), 56);
  t.equal(SYSCALLS_AARCH64.get('fcntl'), 25, '__NR3264_fcntl on a 64-bit architecture');
  t.equal(SYSCALLS_AARCH64.get('mmap'), 222);
  t.equal(SYSCALLS_AARCH64.get('newfstatat'), 79);
  t.equal(SYSCALLS_AARCH64.get('clone3'), 435);
  t.equal(SYSCALLS_AARCH64.get('open'), undefined, 'aarch64 has no open');
  t.equal(SYSCALLS_AARCH64.get('fcntl64'), undefined, 'nor the 32-bit names');
  t.equal(SYSCALLS_X86_64.get('socketcall'), undefined);
});

t.test('no number twice in a table, and no prototype names', async (t) => {
  for (const [name, arch] of Object.entries(ARCHES)) {
    const nrs = [...arch.table.values()];
    t.equal(new Set(nrs).size, nrs.length, `${name}: distinct numbers`);
    t.notOk(arch.table.has('constructor'), `${name}: a Map, not an object`);
  }
});

t.test('the tables agree with libseccomp', { skip: oracleMissing() }, async (t) => {
  const order = ['SCMP_ARCH_X86_64', 'SCMP_ARCH_X86', 'SCMP_ARCH_X32', 'SCMP_ARCH_AARCH64'];
  const names = new Set<string>();
  for (const a of order) for (const n of ARCHES[a].table.keys()) names.add(n);
  const theirs = libseccompNumbers([...names]);
  const differ: string[] = [];
  for (const n of names) {
    order.forEach((a, i) => {
      const mine = ARCHES[a].table.get(n);
      const lib = theirs.get(n)?.[i];
      if (mine !== lib) differ.push(`${a}:${n}`);
    });
  }
  // libseccomp gives i386's socket and SysV IPC calls pseudo numbers (it
  // multiplexes them through socketcall/ipc); the kernel has direct ones.
  const i386Direct = ['socket', 'socketpair', 'bind', 'connect', 'listen', 'accept4', 'getsockopt', 'setsockopt', 'getsockname',
    'getpeername', 'sendto', 'sendmsg', 'recvfrom', 'recvmsg', 'shutdown', 'recvmmsg', 'sendmmsg', 'semget', 'semctl',
    'shmget', 'shmctl', 'shmat', 'shmdt', 'msgget', 'msgsnd', 'msgrcv', 'msgctl'].map((n) => `SCMP_ARCH_X86:${n}`);
  t.same(differ.filter((d) => !i386Direct.includes(d)), [], `${names.size} names on 4 architectures`);
});
