import { Op } from '../native/protocol';
import { enterCgroupOp } from './cgroup';
import type { NamespaceType, Spec } from '../spec/types';
import type { HostFacts } from './context';
import { FLAG, JOIN_ORDER, PROC_NS_NAME } from './namespaces';
import { op } from './ops';
import { withLsm } from './compile';
import { seccompListenerOps } from '../seccomp/plan';
import { processExecOps, processSetupOps, terminalOps } from './process';
import type { Plan } from './types';

export interface ExecInput {
  // The container's config with `process` replaced by the one to exec.
  spec: Spec;
  id: string;
  initPid: number;
  // The container's cgroup path inside each hierarchy.
  cgroupPath: string;
  foreground: boolean;
  preserveFds: number;
  consoleSocket?: string;
  host: HostFacts;
}

// exec: join every namespace the container has, through its init's
// /proc/PID/ns files (user first, mount last), fork into the pid namespace,
// and then take the same process steps as the init does, minus the wait for
// start.
export function compileExecPlan(x: ExecInput): Plan {
  const input = {
    spec: x.spec, id: x.id, bundle: '', rootfs: '', fifoPath: '', cgroupPath: '', consoleSocket: x.consoleSocket,
    noPivot: false, noNewKeyring: true, foreground: x.foreground, preserveFds: x.preserveFds, host: x.host,
  };
  const tty = terminalOps(input, x.spec.process, '');
  const have = new Set((x.spec.linux?.namespaces ?? []).map((n) => n.type));
  // The console socket and the seccomp listener are host paths: connect
  // before joining the mount namespace.
  const ops = [...tty.beforeClone, ...seccompListenerOps(x.spec)];
  // Before any namespace is joined: the cgroup paths are the host's.
  const enterCgroup = enterCgroupOp(x.host.cgroupLayout, x.cgroupPath, x.host.ownCgroups, x.foreground);
  if (enterCgroup) ops.push(enterCgroup);
  const join = (t: NamespaceType) => op.setns(`/proc/${x.initPid}/ns/${PROC_NS_NAME[t]}`, FLAG[t], t, 'linux.namespaces');
  for (const t of JOIN_ORDER.filter((t) => have.has(t) && t !== 'cgroup')) ops.push(join(t));
  // No mount namespace of its own: the container's root is only the init's root directory.
  if (!have.has('mount')) ops.push(op.chroot(`/proc/${x.initPid}/root`, 'linux.namespaces'));
  ops.push(op.clone(0, [], x.foreground));
  // The cgroup namespace after the clone into the cgroup (see planNamespaces).
  if (have.has('cgroup')) ops.push(join('cgroup'));
  ops.push(...tty.inContainer);
  ops.push(...processSetupOps(x.spec));
  ops.push(...withLsm(processExecOps(input), input).filter((o) => o.code !== Op.WaitFifo));
  return { ops, waitForInit: x.foreground };
}
