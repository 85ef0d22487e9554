import { readFileSync, renameSync, writeFileSync } from 'node:fs';
import { runHelper } from '../native/helper-process';
import { capabilityNumber } from '../plan/capabilities';
import { compileExecPlan } from '../plan/exec';
import { formatPlan } from '../plan/compile';
import { checkSemantics } from '../spec/semantics';
import type { Process, Spec } from '../spec/types';
import { unsupportedFields } from '../spec/unsupported';
import { validateConfig } from '../spec/validate';
import { UserError, errorCode } from '../util/errors';
import { hostFacts } from './host';
import { withListenFds } from './listen-fds';
import { ContainerDir, statusOf } from './record';

export interface ExecOptions {
  root: string;
  id: string;
  // --process FILE, or the command line and flags below.
  processFile?: string;
  args: string[];
  tty: boolean;
  consoleSocket?: string;
  detach: boolean;
  pidFile?: string;
  cwd?: string;
  env: string[];
  user?: string;
  additionalGids: string[];
  caps: string[];
  noNewPrivs: boolean;
  preserveFds: number;
  trace: boolean;
}

function parseUser(text: string): { uid: number; gid?: number } {
  const m = /^(\d+)(?::(\d+))?$/.exec(text);
  if (!m) throw new UserError(`--user: expected uid or uid:gid, got ${JSON.stringify(text)}`);
  return { uid: Number(m[1]), gid: m[2] === undefined ? undefined : Number(m[2]) };
}

// The process to exec: --process gives it whole; otherwise the container's
// own process with the command line and flags laid over it, as runc does.
function execProcess(o: ExecOptions, container: Spec): Process {
  if (o.processFile) {
    let text: string;
    try {
      text = readFileSync(o.processFile === '-' ? 0 : o.processFile, 'utf8');
    } catch (e) {
      throw new UserError(`--process: cannot read ${o.processFile}: ${errorCode(e) ?? (e as Error).message}`);
    }
    try {
      return JSON.parse(text) as Process;
    } catch (e) {
      throw new UserError(`--process: ${o.processFile} is not valid JSON: ${(e as Error).message}`);
    }
  }
  if (!o.args.length) throw new UserError('exec: give a command or --process');
  const base: Process = container.process ? structuredClone(container.process) : { cwd: '/', user: { uid: 0, gid: 0 } };
  const p: Process = { ...base, args: o.args, terminal: o.tty };
  delete p.consoleSize;
  if (o.cwd) p.cwd = o.cwd;
  if (o.env.length) p.env = [...(p.env ?? []), ...o.env];
  if (o.user) {
    const u = parseUser(o.user);
    p.user = { ...p.user, uid: u.uid, gid: u.gid ?? p.user.gid };
  }
  if (o.additionalGids.length) {
    p.user = { ...p.user, additionalGids: o.additionalGids.map((g) => {
      if (!/^\d+$/.test(g)) throw new UserError(`--additional-gids: expected a number, got ${JSON.stringify(g)}`);
      return Number(g);
    }) };
  }
  if (o.caps.length && p.capabilities) {
    const c = { ...p.capabilities };
    for (const set of ['bounding', 'effective', 'permitted', 'inheritable'] as const) {
      c[set] = [...new Set([...(c[set] ?? []), ...o.caps])];
    }
    p.capabilities = c;
  }
  if (o.noNewPrivs) p.noNewPrivileges = true;
  return p;
}

// exec: a new process in a running container's namespaces and cgroup.
// In the foreground it returns the process's exit code.
export async function execInContainer(o: ExecOptions): Promise<number> {
  const dir = new ContainerDir(o.root, o.id);
  const record = dir.read();
  const status = statusOf(dir, record);
  if (status !== 'running' && status !== 'created') throw new UserError(`cannot exec in container ${o.id}: it is ${status}`);
  const host = hostFacts();
  const process = execProcess(o, record.spec);
  const spec: Spec = { ...record.spec, process };

  // The same checks as for config.json's process, with field names to match.
  const problems = validateConfig({ ociVersion: record.spec.ociVersion, root: { path: '/' }, process }).concat(checkSemantics(spec, host.lastCap));
  if (problems.length) throw new UserError(`exec: ${problems.join('; ')}`);
  const unsupported = unsupportedFields({ ociVersion: spec.ociVersion, process });
  if (unsupported.length) throw new UserError(`exec: ${unsupported.join('; ')}`);
  for (const cap of o.caps) {
    if (capabilityNumber(cap, host.lastCap) === undefined) throw new UserError(`--cap: unknown capability ${JSON.stringify(cap)}`);
  }

  const preserveFds = withListenFds(process, o.preserveFds);
  const plan = compileExecPlan({ spec, id: o.id, initPid: record.pid, cgroupPath: record.cgroupPath, foreground: !o.detach, preserveFds, consoleSocket: o.consoleSocket, host });
  if (o.trace) globalThis.process.stderr.write(formatPlan(plan) + '\n');
  let pid = 0;
  const helper = await runHelper(plan, record.bundle, preserveFds, {
    onPid: (p) => { pid = p; },
    onSync: () => {},
  });
  if (o.pidFile) {
    writeFileSync(`${o.pidFile}.tsrun-tmp`, String(pid));
    renameSync(`${o.pidFile}.tsrun-tmp`, o.pidFile);
  }
  if (o.detach) return 0;
  const forward = (sig: NodeJS.Signals) => { try { globalThis.process.kill(pid, sig); } catch { /* exited */ } };
  const signals: NodeJS.Signals[] = ['SIGINT', 'SIGTERM', 'SIGHUP', 'SIGQUIT', 'SIGUSR1', 'SIGUSR2', 'SIGWINCH'];
  for (const s of signals) globalThis.process.on(s, forward);
  try {
    return await helper.exited;
  } finally {
    for (const s of signals) globalThis.process.off(s, forward);
  }
}
