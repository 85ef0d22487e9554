import { resolveCgroupPath } from '../cgroups/manager';
import { hostFacts } from '../container/host';
import { ContainerDir } from '../container/record';
import { compilePlan, formatPlan } from '../plan/compile';
import { loadBundle } from '../spec/load';

// `tsrun plan`: what create would do, step by step, without doing it.
export function printPlan(bundleArg: string, id: string, root: string, noPivot: boolean): void {
  const host = hostFacts();
  const { bundle, rootfs, spec } = loadBundle(bundleArg, host.lastCap);
  const cgroupPath = resolveCgroupPath(host.cgroupLayout, spec.linux?.cgroupsPath, id);
  const plan = compilePlan({
    spec, id, bundle, rootfs, fifoPath: new ContainerDir(root, id).fifo, cgroupPath,
    noPivot, noNewKeyring: false, foreground: false, preserveFds: 0, host,
  });
  process.stdout.write(formatPlan(plan) + '\n');
}
