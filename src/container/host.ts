import { readFileSync, statSync } from 'node:fs';
import { detectLayout } from '../cgroups/layout';
import type { HostFacts } from '../plan/context';

export function lastCapability(): number {
  try {
    return Number(readFileSync('/proc/sys/kernel/cap_last_cap', 'utf8').trim());
  } catch {
    return 40;
  }
}

// The real host, read once per command.
export function hostFacts(): HostFacts {
  return {
    lastCap: lastCapability(),
    cgroupLayout: detectLayout(),
    statKind(path) {
      try {
        return statSync(path).isDirectory() ? 'dir' : 'file';
      } catch {
        return 'missing';
      }
    },
  };
}
