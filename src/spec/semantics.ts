import { capabilityNumber } from '../plan/capabilities';
import { RLIMIT } from '../plan/linux-constants';
import { PROPAGATION } from '../plan/mount-options';
import { checkSeccomp } from '../seccomp/check';
import type { Spec } from './types';

// The rules of runtime-spec that a JSON Schema cannot express. Each problem
// names the field.
export function checkSemantics(spec: Spec, lastCap: number): string[] {
  const problems: string[] = [];
  const linux = spec.linux ?? {};
  const namespaces = linux.namespaces ?? [];

  if (!spec.root) problems.push('root: is required on Linux');

  const seen = new Set<string>();
  namespaces.forEach((n, i) => {
    if (seen.has(n.type)) problems.push(`linux.namespaces[${i}]: the ${n.type} namespace is listed twice`);
    seen.add(n.type);
  });
  const isNew = (t: string) => namespaces.some((n) => n.type === t && !n.path);

  // Without a mount namespace the container's mounts are made in tsrun's own
  // (delete removes them); its root propagation would be the host's.
  if (!seen.has('mount') && linux.rootfsPropagation) problems.push('linux.rootfsPropagation: needs a mount namespace (it would change the host\'s mounts)');
  if (isNew('user')) {
    if (!linux.uidMappings?.length) problems.push('linux.uidMappings: a new user namespace needs uid mappings');
    if (!linux.gidMappings?.length) problems.push('linux.gidMappings: a new user namespace needs gid mappings');
  }
  if ((linux.uidMappings?.length || linux.gidMappings?.length) && !seen.has('user')) {
    problems.push('linux.uidMappings: id mappings need a user namespace');
  }
  // Set in the container's uts namespace, new or joined by path (as runc does).
  if (spec.hostname !== undefined && spec.hostname !== '' && !seen.has('uts')) problems.push('hostname: setting a hostname needs a uts namespace');
  if (spec.domainname !== undefined && spec.domainname !== '' && !seen.has('uts')) problems.push('domainname: setting a domain name needs a uts namespace');
  if (linux.timeOffsets && !isNew('time')) problems.push('linux.timeOffsets: time offsets need a new time namespace');
  if (linux.rootfsPropagation && !(linux.rootfsPropagation in PROPAGATION)) {
    problems.push(`linux.rootfsPropagation: unknown propagation ${JSON.stringify(linux.rootfsPropagation)}`);
  }

  const p = spec.process;
  if (p) {
    const caps = p.capabilities ?? {};
    for (const set of ['bounding', 'effective', 'permitted', 'inheritable', 'ambient'] as const) {
      caps[set]?.forEach((name, i) => {
        if (capabilityNumber(name, lastCap) === undefined) {
          problems.push(`process.capabilities.${set}[${i}]: unknown capability ${JSON.stringify(name)} (this kernel's last is ${lastCap})`);
        }
      });
    }
    const rl = new Set<string>();
    p.rlimits?.forEach((r, i) => {
      if (!(r.type in RLIMIT)) problems.push(`process.rlimits[${i}].type: unknown rlimit ${JSON.stringify(r.type)}`);
      if (rl.has(r.type)) problems.push(`process.rlimits[${i}].type: ${r.type} is listed twice`);
      if (r.soft > r.hard) problems.push(`process.rlimits[${i}]: soft limit ${r.soft} is above the hard limit ${r.hard}`);
      rl.add(r.type);
    });
    if (!p.cwd.startsWith('/')) problems.push(`process.cwd: must be an absolute path, not ${JSON.stringify(p.cwd)}`);
  }
  problems.push(...checkSeccomp(linux.seccomp));
  spec.mounts?.forEach((m, i) => {
    if (!m.destination.startsWith('/')) problems.push(`mounts[${i}].destination: must be an absolute path, not ${JSON.stringify(m.destination)}`);
  });
  return problems;
}
