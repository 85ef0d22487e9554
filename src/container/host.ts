import { existsSync, readFileSync, realpathSync, statSync } from 'node:fs';
import { detectLayout, ownCgroups } from '../cgroups/layout';
import type { HostFacts } from '../plan/context';
import { mountUnder, parseMountinfo } from '../util/mountinfo';

export function lastCapability(): number {
  try {
    return Number(readFileSync('/proc/sys/kernel/cap_last_cap', 'utf8').trim());
  } catch {
    return 40;
  }
}

function readOr(path: string, fallback: string): string {
  try {
    return readFileSync(path, 'utf8').trim();
  } catch {
    return fallback;
  }
}

// AppArmor is on when its module says so; SELinux when selinuxfs is mounted.
export function lsmState(): NonNullable<HostFacts['lsm']> {
  return {
    apparmor: readOr('/sys/module/apparmor/parameters/enabled', 'N') === 'Y',
    selinux: existsSync('/sys/fs/selinux/enforce'),
    apparmorAttr: existsSync('/proc/self/attr/apparmor/exec') ? '/proc/self/attr/apparmor/exec' : undefined,
  };
}

// The real host, read once per command.
export function hostFacts(): HostFacts {
  return {
    lastCap: lastCapability(),
    cgroupLayout: detectLayout(),
    ownCgroups: ownCgroups(),
    lsm: lsmState(),
    mountOf(path) {
      const m = mountUnder(realpathSync(path), parseMountinfo());
      return m && { mountPoint: m.mountPoint, shared: m.optional.some((o) => o.startsWith('shared:')) };
    },
    statKind(path) {
      try {
        return statSync(path).isDirectory() ? 'dir' : 'file';
      } catch {
        return 'missing';
      }
    },
  };
}
