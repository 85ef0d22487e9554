import { renameSync, writeFileSync } from 'node:fs';
import { applyResources } from '../cgroups/apply';
import { Cgroup, resolveCgroupPath } from '../cgroups/manager';
import { runHelper, type RunningHelper } from '../native/helper-process';
import { SyncTag } from '../native/protocol';
import { compilePlan, formatPlan } from '../plan/compile';
import { loadBundle } from '../spec/load';
import { deprecatedResources, unenforcedResources, unsupportedFields } from '../spec/unsupported';
import type { IdMapping, Spec } from '../spec/types';
import { UserError } from '../util/errors';
import { destroyContainer } from './destroy';
import { runHooks } from './hooks';
import { hostMountsBefore } from './host-mounts';
import { hostFacts } from './host';
import { withListenFds } from './listen-fds';
import { ociState } from './oci-state';
import { readProcStat } from './proc';
import { ContainerDir, type ContainerRecord } from './record';

export interface CreateOptions {
  root: string;
  id: string;
  bundle: string;
  pidFile?: string;
  consoleSocket?: string;
  noPivot: boolean;
  noNewKeyring: boolean;
  preserveFds: number;
  trace: boolean;
  // run in the foreground: the helper stays the init's parent and exits with its code.
  foreground: boolean;
  warn(msg: string): void;
}

export interface Created {
  dir: ContainerDir;
  record: ContainerRecord;
  helper: RunningHelper;
}

function mapText(maps: IdMapping[] | undefined): string {
  return (maps ?? []).map((m) => `${m.containerID} ${m.hostID} ${m.size}`).join('\n') + '\n';
}

function writePidFile(path: string, pid: number): void {
  const tmp = `${path}.tsrun-tmp`;
  writeFileSync(tmp, String(pid));
  renameSync(tmp, path);
}

// create: validate, claim the id, compile the plan, let the helper run it,
// and answer its sync points. Any failure undoes everything.
export async function createContainer(o: CreateOptions): Promise<Created> {
  const host = hostFacts();
  const { bundle, rootfs, spec } = loadBundle(o.bundle, host.lastCap);
  const unsupported = unsupportedFields(spec);
  if (unsupported.length) throw new UserError(`config.json: ${unsupported.join('; ')}`);
  const unenforced = unenforcedResources(spec);
  if (unenforced.length) o.warn(`not enforced yet: ${unenforced.join(', ')}`);
  deprecatedResources(spec.linux?.resources).forEach((m) => o.warn(m));
  const preserveFds = withListenFds(spec.process, o.preserveFds);
  const dir = new ContainerDir(o.root, o.id);
  const cgroupPath = resolveCgroupPath(host.cgroupLayout, spec.linux?.cgroupsPath, o.id);
  const cgroup = new Cgroup(host.cgroupLayout, cgroupPath);
  const plan = compilePlan({
    spec, id: o.id, bundle, rootfs, fifoPath: dir.fifo, cgroupPath,
    noPivot: o.noPivot, noNewKeyring: o.noNewKeyring, consoleSocket: o.consoleSocket, foreground: o.foreground, preserveFds, host,
  });
  if (o.trace) process.stderr.write(formatPlan(plan) + '\n');

  dir.claim();
  const ownMountNs = spec.linux?.namespaces?.some((n) => n.type === 'mount');
  let record: ContainerRecord = {
    id: o.id, creating: { pid: process.pid }, pid: 0, pidStartTime: '', bundle, rootfs,
    created: new Date().toISOString(), cgroupPath, spec, ...(ownMountNs ? {} : { hostMounts: hostMountsBefore(rootfs) }),
  };
  let pid = 0;
  try {
    dir.write(record);
    // The pids limit comes once the init exists (plan/compile.ts says why).
    const { pids, ...beforeClone } = spec.linux?.resources ?? {};
    // Steps 3 and 4 of the lifecycle, after the environment exists (see plan/compile.ts).
    const hookState = () => ociState({ ...record, pid }, 'created');
    const helper = await runHelper(plan, bundle, preserveFds, {
      // The cgroup is made while the helper starts; the helper waits for it
      // before it enters the cgroup and clones the init into it, which is
      // then born with the limits and device rules in place (plan/cgroup.ts).
      meanwhile: () => {
        cgroup.create();
        applyResources(cgroup, beforeClone, { configDevicePaths: spec.linux?.devices?.map((d) => d.path) });
      },
      onPid: (p) => { pid = p; },
      onSync: async (tag) => {
        // SyncTag.CgroupMade needs nothing more: meanwhile made it.
        if (tag === SyncTag.Cloned) {
          writeIdMaps(pid, spec);
          if (pids) applyResources(cgroup, { pids }, { update: true });
        } else if (tag === SyncTag.RuntimeHooks) {
          await runHooks('prestart', spec.hooks?.prestart, hookState());
          await runHooks('createRuntime', spec.hooks?.createRuntime, hookState());
        }
      },
    });
    const stat = readProcStat(pid);
    if (!stat) throw new UserError('the container init exited right after it was set up');
    record = { ...record, creating: undefined, pid, pidStartTime: stat.startTime, cgroupParents: cgroup.madeParents() };
    dir.write(record);
    if (o.pidFile) writePidFile(o.pidFile, pid);
    return { dir, record, helper };
  } catch (e) {
    destroyContainer(dir, { ...record, pid, pidStartTime: readProcStat(pid)?.startTime ?? '', cgroupParents: cgroup.madeParents() }, cgroup);
    throw e;
  }
}

function writeIdMaps(pid: number, spec: Spec): void {
  const userNs = spec.linux?.namespaces?.find((n) => n.type === 'user');
  if (!userNs || userNs.path) return;
  writeFileSync(`/proc/${pid}/uid_map`, mapText(spec.linux?.uidMappings));
  writeFileSync(`/proc/${pid}/gid_map`, mapText(spec.linux?.gidMappings));
}
