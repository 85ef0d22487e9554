import { Op, SyncTag } from '../native/protocol';
import type { CompileInput } from './context';
import { enterCgroupOp } from './cgroup';
import { planNamespaces } from './namespaces';
import { op } from './ops';
import { processExecOps, processSetupOps, sysctlOps, terminalOps } from './process';
import { containerHookOps } from './hooks';
import { lsmOps } from './lsm';
import { rootfsOps } from './rootfs';
import { seccompListenerOps } from '../seccomp/plan';
import type { Plan, PlanOp } from './types';

// config.json -> the ordered list of steps the helper takes. Pure: all host
// facts come in through `input.host`.
export function compilePlan(input: CompileInput): Plan {
  const { spec } = input;
  const ns = planNamespaces(spec);
  const inUserNs = ns.has('user');
  const ops: PlanOp[] = [];

  // In the helper, on the host.
  ops.push(op.openFifo(input.fifoPath));
  const enterCgroup = enterCgroupOp(input.host.cgroupLayout, input.cgroupPath, input.host.ownCgroups, input.foreground);
  if (enterCgroup) ops.push(op.sync(SyncTag.CgroupMade, 'make the container\'s cgroup', 'linux.cgroupsPath'), enterCgroup);
  ops.push(...seccompListenerOps(spec));
  const tty = terminalOps(input, spec.process, '/dev/console');
  ops.push(...ns.beforeClone, ...tty.beforeClone);
  ops.push(op.clone(ns.cloneFlags, ns.created.filter((t) => t !== 'cgroup' && t !== 'time'), input.foreground));

  // In the init. The pids limit is set once it exists: the helper and the
  // init are both in the cgroup at the clone, which a limit of 0 or 1
  // would refuse; the init has run nothing of the container yet.
  const pidsLimit = spec.linux?.resources?.pids !== undefined;
  if (inUserNs || pidsLimit) {
    const why = [...(inUserNs ? ['write the id maps'] : []), ...(pidsLimit ? ['set the pids limit'] : [])].join(' and ');
    ops.push(op.sync(SyncTag.Cloned, why, 'linux'));
  }
  if (inUserNs) ops.push(op.setresgid(0, 'linux.gidMappings'), op.setresuid(0, 'linux.uidMappings'));
  ops.push(...ns.afterCgroup);
  if (spec.process?.oomScoreAdj !== undefined) {
    ops.push(op.writeFile('/proc/self/oom_score_adj', String(spec.process.oomScoreAdj), 'process.oomScoreAdj'));
  }
  if (!input.noNewKeyring) ops.push(op.joinKeyring(`_ses.${input.id}`));
  if (spec.hostname !== undefined && ns.has('uts')) ops.push(op.sethostname(spec.hostname));
  if (spec.domainname !== undefined && ns.has('uts')) ops.push(op.setdomainname(spec.domainname));

  const hooks = spec.hooks ?? {};
  const runtimeHooks = (hooks.prestart?.length ?? 0) + (hooks.createRuntime?.length ?? 0) > 0;
  // Hooks, at the moments runtime-spec gives: prestart and createRuntime by
  // tsrun in the runtime namespace, createContainer by the init, all after
  // the mounts and before pivot_root; startContainer by the init after start.
  // Their state says "created": the lifecycle's "creating" is step 2, the
  // making of the environment, and these hooks are steps 3 to 5, after it.
  const beforePivot = runtimeHooks ? [op.sync(SyncTag.RuntimeHooks, 'run the prestart and createRuntime hooks', 'hooks')] : [];
  beforePivot.push(...containerHookOps('createContainer', hooks.createContainer, input, 'created'));
  ops.push(...rootfsOps(input, inUserNs, beforePivot, [...tty.inContainer, ...sysctlOps(spec)]));
  ops.push(...processSetupOps(spec));

  if (spec.process) {
    const processOps = withLsm(processExecOps(input), input);
    const started = processOps.findIndex((o) => o.code === Op.WaitFifo) + 1;
    processOps.splice(started, 0, ...containerHookOps('startContainer', hooks.startContainer, input, 'created'));
    ops.push(...processOps);
  } else {
    // No process: the container can be created, but start has nothing to run.
    ops.push(op.ready(), op.waitFifo());
  }
  return { ops, waitForInit: input.foreground };
}

// LSM labels are written just before the init reports ready, so that a
// label the kernel refuses fails create.
export function withLsm(processOps: PlanOp[], input: CompileInput): PlanOp[] {
  const ready = processOps.findIndex((o) => o.code === Op.Ready);
  processOps.splice(ready, 0, ...lsmOps(input.spec, input.host));
  return processOps;
}

// The plan as text, one numbered step per line, for `--trace` and `tsrun plan`.
export function formatPlan(plan: Plan): string {
  const cloneAt = plan.ops.findIndex((o) => o.code === Op.Clone);
  return plan.ops
    .map((o, i) => {
      const who = i <= cloneAt ? 'helper' : 'init  ';
      return `${String(i).padStart(3)}  ${who}  ${o.step}    [${o.field}]`;
    })
    .join('\n');
}
