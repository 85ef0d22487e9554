// AppArmor and SELinux labels: written before the init reports ready when
// the LSM is on; refused, naming the field, when it is off.
import t from 'tap';
import { detectLayout } from '../../src/cgroups/layout';
import { Op } from '../../src/native/protocol';
import { compilePlan } from '../../src/plan/compile';
import { ConfigError, type CompileInput, type HostFacts } from '../../src/plan/context';
import type { Spec } from '../../src/spec/types';

const spec = (edit: (s: Spec) => void): Spec => {
  const s: Spec = {
    ociVersion: '1.3.0',
    root: { path: 'rootfs' },
    process: { cwd: '/', user: { uid: 0, gid: 0 }, args: ['true'] },
    mounts: [{ destination: '/tmp', type: 'tmpfs', source: 'tmpfs' }, { destination: '/proc', type: 'proc', source: 'proc' }],
    linux: { namespaces: [{ type: 'mount' }] },
  };
  edit(s);
  return s;
};

const host = (lsm?: HostFacts['lsm']): HostFacts => ({
  lastCap: 40, cgroupLayout: detectLayout(''), statKind: () => 'dir', lsm,
});

const compile = (s: Spec, h: HostFacts) => compilePlan({
  spec: s, id: 'c1', bundle: '/b', rootfs: '/b/rootfs', fifoPath: '/run/tsrun/c1/exec.fifo', cgroupPath: '/tsrun/c1',
  noPivot: false, noNewKeyring: true, foreground: false, preserveFds: 0, host: h,
} as CompileInput);

t.test('AppArmor on: the profile is written to attr/apparmor/exec before ready', async (t) => {
  const plan = compile(spec((s) => { s.process!.apparmorProfile = 'tsrun-default'; }),
    host({ apparmor: true, selinux: false, apparmorAttr: '/proc/self/attr/apparmor/exec' }));
  const i = plan.ops.findIndex((o) => o.code === Op.WriteFile && o.field === 'process.apparmorProfile');
  t.ok(i > 0);
  t.same(plan.ops[i].args, ['/proc/self/attr/apparmor/exec', Buffer.from('exec tsrun-default')]);
  t.equal(plan.ops[i + 1].code, Op.Ready, 'right before ready');
});

t.test('SELinux on: process label to attr/exec, mount label into the data of created filesystems', async (t) => {
  const plan = compile(spec((s) => { s.process!.selinuxLabel = 'system_u:system_r:container_t:s0'; s.linux!.mountLabel = 'system_u:object_r:container_file_t:s0'; }),
    host({ apparmor: false, selinux: true }));
  const w = plan.ops.find((o) => o.field === 'process.selinuxLabel')!;
  t.same(w.args, ['/proc/self/attr/exec', Buffer.from('system_u:system_r:container_t:s0')]);
  const tmpfs = plan.ops.find((o) => o.code === Op.MountTmpfs && o.field === 'mounts[0]')!;
  t.equal(tmpfs.args[3], 'context="system_u:object_r:container_file_t:s0"');
  const proc = plan.ops.find((o) => o.code === Op.Mount && o.field === 'mounts[1]')!;
  t.equal(proc.args[5], '', 'procfs is not labelled');
});

t.test('LSM off: each label is refused naming its field', async (t) => {
  for (const [edit, field] of [
    [(s: Spec) => { s.process!.apparmorProfile = 'x'; }, /process\.apparmorProfile: AppArmor is not enabled on this host/],
    [(s: Spec) => { s.process!.selinuxLabel = 'x'; }, /process\.selinuxLabel: SELinux is not enabled on this host/],
    [(s: Spec) => { s.linux!.mountLabel = 'x'; }, /linux\.mountLabel: SELinux is not enabled on this host/],
  ] as const) {
    let err: unknown;
    try { compile(spec(edit), host()); } catch (e) { err = e; }
    t.ok(err instanceof ConfigError, 'a ConfigError');
    t.match((err as Error).message, field);
    t.throws(() => compile(spec(edit), host({ apparmor: false, selinux: false })), field);
  }
});
