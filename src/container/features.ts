import { readFileSync } from 'node:fs';
import { lastCapability } from './host';
import { SPEC_VERSION } from './oci-state';
import { CAPABILITIES } from '../plan/capabilities';
import { parseMountOptions } from '../plan/mount-options';
import { JOIN_ORDER } from '../plan/namespaces';
import { seccompFeatures } from '../seccomp/features';
import type { Hooks, Spec } from '../spec/types';
import { unsupportedFields } from '../spec/unsupported';

declare const TSRUN_VERSION: string;

// The mount options of runtime-spec's list (and the id-mapping ones) that
// could be asked for; tsrun recognises those its parser turns into flags,
// propagation or a bind, and not those it would hand to the filesystem as data.
const CANDIDATE_MOUNT_OPTIONS = [
  'acl', 'async', 'atime', 'bind', 'defaults', 'dev', 'diratime', 'dirsync', 'exec', 'idmap', 'iversion', 'lazytime',
  'loud', 'mand', 'noacl', 'noatime', 'nodev', 'nodiratime', 'noexec', 'noiversion', 'nolazytime', 'nomand',
  'norelatime', 'nostrictatime', 'nosuid', 'nosymfollow', 'private', 'ratime', 'rbind', 'rdev', 'rdiratime',
  'relatime', 'remount', 'rexec', 'ridmap', 'rnoatime', 'rnodev', 'rnodiratime', 'rnoexec', 'rnorelatime',
  'rnostrictatime', 'rnosuid', 'rnosymfollow', 'ro', 'rprivate', 'rrelatime', 'rro', 'rrw', 'rshared', 'rslave',
  'rstrictatime', 'rsuid', 'rsymfollow', 'runbindable', 'rw', 'shared', 'silent', 'slave', 'strictatime', 'suid',
  'symfollow', 'sync', 'tmpcopyup', 'unbindable',
];

const HOOK_KINDS: (keyof Hooks)[] = ['prestart', 'createRuntime', 'createContainer', 'startContainer', 'poststart', 'poststop'];

// Whether tsrun would accept a config with this part: the refusals in
// spec/unsupported.ts are the one list of what is not implemented, so the
// features cannot claim more than create accepts.
function accepted(part: Partial<Spec>): boolean {
  return unsupportedFields({ ociVersion: SPEC_VERSION, ...part }).length === 0;
}

export function recognisedMountOptions(): string[] {
  return CANDIDATE_MOUNT_OPTIONS.filter((o) => {
    const p = parseMountOptions([o]);
    return p.data.length === 0;
  });
}

export interface FeaturesHost {
  lastCap: number;
  // /sys/kernel/security/lsm, when securityfs is mounted.
  lsm?: string;
}

function readLsm(): string | undefined {
  try {
    return readFileSync('/sys/kernel/security/lsm', 'utf8').trim();
  } catch {
    return undefined;
  }
}

// runtime-spec's features.json for tsrun. The spec wants what the runtime
// implements, not what the host has; the two host facts used are the
// kernel's last capability (names past it are not listed) and the LSMs the
// kernel runs, which go into an annotation only.
export function features(host: FeaturesHost = { lastCap: lastCapability(), lsm: readLsm() }) {
  const annotations: Record<string, string> = { 'org.tsrun.version': typeof TSRUN_VERSION === 'string' ? TSRUN_VERSION : 'dev' };
  if (host.lsm !== undefined) annotations['org.tsrun.host.lsm'] = host.lsm;
  return {
    ociVersionMin: '1.0.0',
    ociVersionMax: SPEC_VERSION,
    hooks: HOOK_KINDS.filter((k) => accepted({ hooks: { [k]: [{ path: '/bin/true' }] } })),
    mountOptions: recognisedMountOptions(),
    linux: {
      namespaces: [...JOIN_ORDER].sort(),
      capabilities: CAPABILITIES.slice(0, host.lastCap + 1),
      cgroup: { v1: true, v2: true, systemd: false, systemdUser: false, rdma: false },
      seccomp: seccompFeatures(),
      // AppArmor and SELinux: enabled once tsrun applies profiles and labels,
      // which is when create stops refusing them as unsupported; until then
      // disabled whatever the host runs. The LSMs this host runs (securityfs's
      // lsm file, when mounted) are in the org.tsrun.host.lsm annotation.
      apparmor: { enabled: accepted({ process: { apparmorProfile: 'x', cwd: '/', user: { uid: 0, gid: 0 } } }) },
      selinux: { enabled: accepted({ process: { selinuxLabel: 'x', cwd: '/', user: { uid: 0, gid: 0 } } }) },
      intelRdt: { enabled: false },
      mountExtensions: { idmap: { enabled: accepted({ mounts: [{ destination: '/x', uidMappings: [{ containerID: 0, hostID: 0, size: 1 }] }] }) } },
    },
    annotations,
  };
}
