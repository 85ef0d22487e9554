import type { Spec } from './types';

// Config fields tsrun does not apply yet. Asking for one is an error, never
// a silent ignore: a container that looks confined but is not is worse than
// one that does not start.
export function unsupportedFields(spec: Spec): string[] {
  const found: string[] = [];
  const linux = spec.linux as Record<string, unknown> | undefined;
  if (linux?.intelRdt) found.push('linux.intelRdt: Intel RDT is not supported by tsrun yet');
  if (linux?.netDevices) found.push('linux.netDevices: moving network devices is not supported by tsrun yet');
  if (linux?.memoryPolicy) found.push('linux.memoryPolicy: not supported by tsrun yet');
  spec.mounts?.forEach((m, i) => {
    if (m.uidMappings || m.gidMappings) found.push(`mounts[${i}]: id-mapped mounts are not supported by tsrun yet`);
    // As an option alone (the container's own mappings), a bind would drop it without a word.
    const idmap = m.options?.find((o) => o === 'idmap' || o === 'ridmap');
    if (idmap) found.push(`mounts[${i}].options: ${idmap}: id-mapped mounts are not supported by tsrun yet`);
  });
  return found;
}

// Resources tsrun does not know (a newer spec's controllers) are accepted
// but not enforced; the caller logs this. Known ones are applied, or
// refused naming the field when the host cannot provide them.
const KNOWN_RESOURCES = ['devices', 'memory', 'cpu', 'blockIO', 'hugepageLimits', 'network', 'pids', 'rdma', 'unified'];

export function unenforcedResources(spec: Spec): string[] {
  return Object.keys(spec.linux?.resources ?? {}).filter((k) => !KNOWN_RESOURCES.includes(k)).map((k) => `linux.resources.${k}`);
}

// Resources the spec deprecates and kernels no longer enforce: accepted with
// a warning and not written, as runc does. memory.kernel: kernels since 5.4
// ignore the v1 limit (the file stays, writes change nothing) and cgroup v2
// has none; kernel memory counts in the memory limit instead.
export function deprecatedResources(resources: { memory?: { kernel?: number } } | undefined): string[] {
  return resources?.memory?.kernel ? ['linux.resources.memory.kernel is deprecated and not applied (kernel memory counts in the memory limit)'] : [];
}
