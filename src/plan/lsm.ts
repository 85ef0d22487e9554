import type { Spec } from '../spec/types';
import type { HostFacts } from './context';
import { ConfigError } from './context';
import { op } from './ops';
import type { PlanOp } from './types';

// AppArmor and SELinux labels take effect at the next execve: the init writes
// them to /proc/self/attr just before it. A host without that LSM cannot
// honour the label, and a confinement silently dropped is worse than an error.
export function lsmOps(spec: Spec, host: HostFacts): PlanOp[] {
  const ops: PlanOp[] = [];
  const p = spec.process;
  if (p?.apparmorProfile) {
    if (!host.lsm?.apparmor) throw new ConfigError('process.apparmorProfile', 'AppArmor is not enabled on this host');
    const path = host.lsm.apparmorAttr ?? '/proc/self/attr/exec';
    ops.push({ ...op.writeFile(path, `exec ${p.apparmorProfile}`, 'process.apparmorProfile'), step: `confine the process to the AppArmor profile ${p.apparmorProfile} at execve` });
  }
  if (p?.selinuxLabel) {
    if (!host.lsm?.selinux) throw new ConfigError('process.selinuxLabel', 'SELinux is not enabled on this host');
    ops.push({ ...op.writeFile('/proc/self/attr/exec', p.selinuxLabel, 'process.selinuxLabel'), step: `label the process ${p.selinuxLabel} at execve` });
  }
  if (spec.linux?.mountLabel && !host.lsm?.selinux) throw new ConfigError('linux.mountLabel', 'SELinux is not enabled on this host');
  return ops;
}
