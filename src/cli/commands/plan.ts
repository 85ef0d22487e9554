import { resolveCgroupPath } from '../../cgroups/manager';
import { hostFacts } from '../../container/host';
import { ContainerDir } from '../../container/record';
import { compilePlan, formatPlan } from '../../plan/compile';
import { loadBundle } from '../../spec/load';
import { stateRoot, str, type Command } from '../command';

// `tsrun plan`: what create would do, step by step, without doing it.
const plan: Command = (a) => {
  const id = a.positionals[0] ?? 'plan';
  const host = hostFacts();
  const { bundle, rootfs, spec } = loadBundle(str(a.options.bundle) ?? '.', host.lastCap);
  const cgroupPath = resolveCgroupPath(host.cgroupLayout, spec.linux?.cgroupsPath, id);
  const compiled = compilePlan({
    spec, id, bundle, rootfs, fifoPath: new ContainerDir(stateRoot(a), id).fifo, cgroupPath,
    noPivot: Boolean(a.options['no-pivot']), noNewKeyring: false, foreground: false, preserveFds: 0, host,
  });
  process.stdout.write(formatPlan(compiled) + '\n');
  return 0;
};
export default plan;
