// linux.seccomp checked before anything is created (src/seccomp/check.ts,
// through checkSemantics) and placed in the plan (src/plan/process.ts):
// last before execve with no_new_privs, before the user switch without it,
// before `ready` when it notifies; the listener connected before the clone.
import t from 'tap';
import { detectLayout } from '../../src/cgroups/layout';
import { Op } from '../../src/native/protocol';
import { compilePlan } from '../../src/plan/compile';
import type { Plan } from '../../src/plan/types';
import { checkSeccomp } from '../../src/seccomp/check';
import { listenerMessage } from '../../src/seccomp/plan';
import type { SeccompProfile } from '../../src/seccomp/types';
import { checkSemantics } from '../../src/spec/semantics';
import type { Spec } from '../../src/spec/types';
import { unsupportedFields } from '../../src/spec/unsupported';

const good = (): SeccompProfile => ({
  defaultAction: 'SCMP_ACT_ERRNO',
  defaultErrnoRet: 38,
  architectures: ['SCMP_ARCH_X86_64', 'SCMP_ARCH_X86', 'SCMP_ARCH_PPC64LE'],
  flags: ['SECCOMP_FILTER_FLAG_LOG'],
  syscalls: [
    { names: ['read', 'write'], action: 'SCMP_ACT_ALLOW' },
    { names: ['personality'], action: 'SCMP_ACT_ALLOW', args: [{ index: 0, value: 8, op: 'SCMP_CMP_EQ' }] },
    { names: ['ptrace'], action: 'SCMP_ACT_TRACE', errnoRet: 1 },
  ],
});

t.test('a good profile has no problems', async (t) => {
  t.same(checkSeccomp(undefined), []);
  t.same(checkSeccomp(good()), []);
});

t.test('bad profiles are refused, naming the field', async (t) => {
  const cases: [(p: SeccompProfile) => void, string][] = [
    [(p) => { p.syscalls![1].action = 'SCMP_ACT_FOO'; }, 'linux.seccomp.syscalls[1].action: unknown action "SCMP_ACT_FOO"'],
    [(p) => { p.defaultAction = 'SCMP_ACT_NOPE'; }, 'linux.seccomp.defaultAction: unknown action "SCMP_ACT_NOPE"'],
    [(p) => { p.syscalls![1].args![0].op = 'SCMP_CMP_BETWEEN'; }, 'linux.seccomp.syscalls[1].args[0].op: unknown operator "SCMP_CMP_BETWEEN"'],
    [(p) => { p.syscalls![1].args![0].index = 6; }, 'linux.seccomp.syscalls[1].args[0].index: 6 is not an argument index (0 to 5)'],
    [(p) => { p.syscalls![0].errnoRet = 1; }, 'linux.seccomp.syscalls[0].errnoRet: SCMP_ACT_ALLOW takes no errno; only SCMP_ACT_ERRNO and SCMP_ACT_TRACE do'],
    [(p) => { p.defaultAction = 'SCMP_ACT_KILL'; }, 'linux.seccomp.defaultErrnoRet: SCMP_ACT_KILL takes no errno; only SCMP_ACT_ERRNO and SCMP_ACT_TRACE do'],
    [(p) => { p.syscalls![2].errnoRet = 5000; }, 'linux.seccomp.syscalls[2].errnoRet: 5000 is not an errno (0 to 4095)'],
    [(p) => { p.syscalls![0].names = []; }, 'linux.seccomp.syscalls[0].names: must list at least one syscall'],
    [(p) => { p.architectures!.push('SCMP_ARCH_VAX'); }, 'linux.seccomp.architectures[3]: unknown architecture "SCMP_ARCH_VAX"'],
    [(p) => { p.flags!.push('SECCOMP_FILTER_FLAG_FAST'); }, 'linux.seccomp.flags[1]: unknown flag "SECCOMP_FILTER_FLAG_FAST"'],
    [(p) => { p.syscalls![0].args = [{ index: 0, value: -1, op: 'SCMP_CMP_EQ' }]; }, 'linux.seccomp.syscalls[0].args[0].value: -1 is not an unsigned 64-bit number'],
    [(p) => { p.syscalls![0].action = 'SCMP_ACT_NOTIFY'; }, 'linux.seccomp.listenerPath: SCMP_ACT_NOTIFY needs a listener socket to send the notify fd to'],
    [(p) => { p.listenerPath = '/run/agent.sock'; p.defaultAction = 'SCMP_ACT_NOTIFY'; delete p.defaultErrnoRet; },
      'linux.seccomp.defaultAction: SCMP_ACT_NOTIFY cannot be the default action: the syscalls that hand the listener its fd would wait for it'],
    [(p) => { p.listenerPath = '/run/agent.sock'; p.syscalls!.push({ names: ['mknod', 'sendmsg'], action: 'SCMP_ACT_NOTIFY' }); },
      'linux.seccomp.syscalls[3].names: SCMP_ACT_NOTIFY cannot be used for sendmsg: tsrun sends the listener its fd with sendmsg after loading the filter'],
    [(p) => { p.flags = ['SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV']; },
      'linux.seccomp.flags: SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV needs an SCMP_ACT_NOTIFY rule (the kernel refuses it without a listener)'],
    [(p) => { p.listenerMetadata = 'x'; }, 'linux.seccomp.listenerMetadata: needs listenerPath'],
    [(p) => { p.listenerPath = '/' + 'x'.repeat(200); }, 'linux.seccomp.listenerPath: longer than a unix socket path can be (107 bytes)'],
  ];
  for (const [edit, want] of cases) {
    const p = good();
    edit(p);
    t.same(checkSeccomp(p), [want], want);
  }
});

function spec(seccomp: SeccompProfile, nnp: boolean): Spec {
  return {
    ociVersion: '1.3.0',
    root: { path: 'rootfs' },
    process: { user: { uid: 1000, gid: 1000 }, args: ['sh'], cwd: '/', noNewPrivileges: nnp, capabilities: { bounding: ['CAP_KILL'] } },
    linux: { namespaces: [{ type: 'pid' }, { type: 'mount' }], seccomp: seccomp as unknown as Record<string, unknown> },
    annotations: { who: 'test "quoted"' },
  };
}

function compile(s: Spec): Plan {
  return compilePlan({
    spec: s, id: 'c1', bundle: '/bundle', rootfs: '/bundle/rootfs', fifoPath: '/run/tsrun/c1/exec.fifo', cgroupPath: '/tsrun/c1',
    noPivot: false, noNewKeyring: true, foreground: false, preserveFds: 0,
    host: { lastCap: 40, cgroupLayout: detectLayout('25 24 0:23 / /sys/fs/cgroup rw - cgroup2 cgroup2 rw\n'), statKind: () => 'missing' },
  });
}

const codes = (p: Plan) => p.ops.map((o) => Op[o.code]);

t.test('the config checks run with the others, and seccomp is no longer refused', async (t) => {
  const s = spec(good(), true);
  t.same(unsupportedFields(s), []);
  (s.linux!.seccomp as unknown as SeccompProfile).syscalls![0].action = 'SCMP_ACT_FOO';
  t.same(checkSemantics(s, 40), ['linux.seccomp.syscalls[0].action: unknown action "SCMP_ACT_FOO"']);
});

t.test('with no_new_privs the filter is the last step before execve', async (t) => {
  const c = codes(compile(spec(good(), true)));
  t.same(c.slice(-3), ['CloseFds', 'Seccomp', 'Exec']);
  t.equal(c.filter((x) => x === 'Seccomp').length, 1);
  t.ok(c.indexOf('NoNewPrivs') < c.indexOf('Seccomp'));
});

t.test('without no_new_privs it is loaded before the user switch, while privileged', async (t) => {
  const c = codes(compile(spec(good(), false)));
  const at = c.indexOf('Seccomp');
  t.ok(at > c.indexOf('Chdir') && at < c.indexOf('CapBounding') && at < c.indexOf('Setresuid'), c.slice(at - 1, at + 3).join(' '));
  t.equal(c.filter((x) => x === 'Seccomp').length, 1);
});

t.test('no process, no filter', async (t) => {
  const s = spec(good(), true);
  delete s.process;
  t.notOk(codes(compile(s)).includes('Seccomp'));
});

t.test('notify: the listener is connected before the clone, the filter loads before ready', async (t) => {
  const p = good();
  p.listenerPath = '/run/agent.sock';
  p.listenerMetadata = 'meta "x"';
  p.syscalls!.push({ names: ['mknodat'], action: 'SCMP_ACT_NOTIFY' });
  for (const nnp of [true, false]) {
    const plan = compile(spec(p, nnp));
    const c = codes(plan);
    const seccomp = plan.ops.filter((o) => o.code === Op.Seccomp);
    t.equal(seccomp.length, 2);
    t.same(seccomp[0].args.slice(1, 3), [0, '/run/agent.sock'], 'connect first');
    t.equal((seccomp[0].args[0] as Buffer).length, 0);
    t.ok(c.indexOf('Seccomp') < c.indexOf('Clone') && c.indexOf('Seccomp') > c.indexOf('OpenFifo'));
    t.ok(c.lastIndexOf('Seccomp') < c.indexOf('Ready'), 'loaded during create');
    t.equal((seccomp[1].args[1] as number) & 8, 8, 'SECCOMP_FILTER_FLAG_NEW_LISTENER');
  }
  const pieces = listenerMessage({ spec: spec(p, true), id: 'c1', bundle: '/bundle' }, p);
  const msg = JSON.parse(pieces.join('4242'));
  t.same(msg, {
    ociVersion: '1.3.0',
    fds: ['seccompFd'],
    pid: 4242,
    metadata: 'meta "x"',
    state: { ociVersion: '1.3.0', id: 'c1', status: 'creating', bundle: '/bundle', annotations: { who: 'test "quoted"' }, pid: 4242 },
  });
});
