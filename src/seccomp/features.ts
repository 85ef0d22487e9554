// The seccomp part of `tsrun features` (runtime-spec features-linux.md):
// what tsrun implements, not what the kernel has.
import { ACTIONS, ARCHES, FLAGS, OPS } from './constants';

export interface SeccompFeatures {
  enabled: boolean;
  actions?: string[];
  operators?: string[];
  archs?: string[];
  knownFlags?: string[];
  supportedFlags?: string[];
}

export function seccompFeatures(): SeccompFeatures {
  return {
    enabled: true,
    actions: Object.keys(ACTIONS),
    operators: [...OPS],
    // The architectures tsrun has syscall tables for; others are accepted and left out.
    archs: Object.keys(ARCHES),
    knownFlags: Object.keys(FLAGS),
    supportedFlags: Object.keys(FLAGS),
  };
}
