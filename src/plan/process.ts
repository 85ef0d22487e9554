import { seccompLoad } from '../seccomp/plan';
import type { Process, Spec } from '../spec/types';
import { capabilityMask } from './capabilities';
import { ConfigError, type CompileInput } from './context';
import { RLIMIT } from './linux-constants';
import { op } from './ops';
import { schedulingOps } from './scheduling';
import type { PlanOp } from './types';

// A terminal: before the clone the helper connects to the console socket
// (or keeps a socket pair to relay the terminal itself in the foreground);
// in the container the init opens the pty and sends the master there.
export function terminalOps(input: CompileInput, p: Process | undefined, consolePath: string): { beforeClone: PlanOp[]; inContainer: PlanOp[] } {
  if (!p?.terminal) return { beforeClone: [], inContainer: [] };
  let connect: PlanOp;
  if (input.consoleSocket) connect = op.consoleConnect(input.consoleSocket);
  else if (input.foreground) connect = op.consolePair();
  else throw new ConfigError('process.terminal', 'a terminal needs --console-socket when tsrun does not stay in the foreground');
  const size = p.consoleSize ?? { height: 0, width: 0 };
  const inContainer = consolePath ? [op.mkdirs(consolePath, 0o666, true, 'process.terminal')] : [];
  inContainer.push(op.setupTty(size.height, size.width, consolePath, p.user.uid, p.user.gid));
  return { beforeClone: [connect], inContainer };
}

export const DEFAULT_PATH = '/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin';

// Kernel parameters, written through the container's own /proc/sys.
export function sysctlOps(spec: Spec): PlanOp[] {
  return Object.entries(spec.linux?.sysctl ?? {}).map(([key, value]) =>
    op.writeFile(`/proc/sys/${key.replace(/\./g, '/')}`, value, `linux.sysctl.${key}`));
}

// Settings done inside the container after pivot_root, as root.
export function processSetupOps(spec: Spec): PlanOp[] {
  const ops: PlanOp[] = [];
  const p = spec.process;
  if (!p) return ops;
  p.rlimits?.forEach((r, i) => {
    ops.push(op.setrlimit(r.type, RLIMIT[r.type], r.soft, r.hard, `process.rlimits[${i}]`));
  });
  ops.push(...schedulingOps(spec, p));
  ops.push(op.chdir(p.cwd));
  return ops;
}

// The switch to the process's user and capabilities, in the order that keeps
// them: drop the bounding set while still privileged, keep capabilities
// across setuid, then set the exact sets.
function identityOps(p: Process, lastCap: number): PlanOp[] {
  const ops: PlanOp[] = [];
  const caps = p.capabilities;
  if (caps) ops.push(op.capBounding(capabilityMask(caps.bounding, lastCap), (caps.bounding ?? []).join(',') || 'nothing'));
  if (caps) ops.push(op.keepcaps(true));
  ops.push(op.setgroups(p.user.additionalGids ?? []));
  ops.push(op.setresgid(p.user.gid, 'process.user.gid'));
  ops.push(op.setresuid(p.user.uid, 'process.user.uid'));
  if (caps) {
    ops.push(op.keepcaps(false));
    const mask = (names?: string[]) => capabilityMask(names, lastCap);
    ops.push(op.caps(mask(caps.effective), mask(caps.permitted), mask(caps.inheritable), mask(caps.ambient)));
  }
  ops.push(op.umask(p.user.umask ?? 0o022));
  if (p.noNewPrivileges) ops.push(op.noNewPrivs());
  return ops;
}

function envPath(env: readonly string[]): string {
  const entry = [...env].reverse().find((e) => e.startsWith('PATH='));
  return entry ? entry.slice(5) : DEFAULT_PATH;
}

// From the user switch to execve: the lookup happens before `create`
// returns, so a missing program fails create, as in runc.
export function processExecOps(input: CompileInput): PlanOp[] {
  const p = input.spec.process!;
  const env = p.env ?? [];
  const args = p.args!;
  // seccomp, like runc: with no_new_privs the filter comes last, right
  // before execve; without it, loading needs CAP_SYS_ADMIN, so it comes
  // before the user switch and the rest of the setup must pass the filter.
  // A filter that notifies is loaded during create either way, so that a
  // listener that cannot be reached fails create.
  const sc = seccompLoad(input);
  const early = sc && !p.noNewPrivileges ? [sc.op] : [];
  const beforeReady = sc && p.noNewPrivileges && sc.notify ? [sc.op] : [];
  const last = sc && p.noNewPrivileges && !sc.notify ? [sc.op] : [];
  return [
    ...early,
    ...identityOps(p, input.host.lastCap),
    op.resolveExec(args[0], envPath(env)),
    ...beforeReady,
    op.ready(),
    op.waitFifo(),
    op.closeFds(3 + input.preserveFds),
    ...last,
    op.exec(args, env),
  ];
}
