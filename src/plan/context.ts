import { UserError } from '../util/errors';
import type { CgroupLayout } from '../cgroups/layout';
import type { Spec } from '../spec/types';

// What the plan compiler knows about the host; injected so that the
// compiler stays a pure function that unit tests can run without root.
export interface HostFacts {
  lastCap: number;
  cgroupLayout: CgroupLayout;
  statKind(path: string): 'dir' | 'file' | 'missing';
  // Which LSMs can apply labels here; absent means none.
  lsm?: { apparmor: boolean; selinux: boolean; apparmorAttr?: string };
  // The mount a path is on, and whether it is shared (read only when needed).
  mountOf?(path: string): { mountPoint: string; shared: boolean } | undefined;
  // tsrun's own cgroups (/proc/self/cgroup), by hierarchy key.
  ownCgroups?: Map<string, string>;
}

export interface CompileInput {
  spec: Spec;
  id: string;
  bundle: string; // absolute
  rootfs: string; // absolute
  fifoPath: string;
  // The container's cgroup path inside each hierarchy ("/tsrun/<id>").
  cgroupPath: string;
  noPivot: boolean;
  // Keep the caller's session keyring instead of a new one per container.
  noNewKeyring: boolean;
  // run in the foreground: the helper stays the init's parent.
  foreground: boolean;
  // Where the pty master goes when process.terminal is set.
  consoleSocket?: string;
  // Extra fds (after stdio) that the process keeps: --preserve-fds plus LISTEN_FDS.
  preserveFds: number;
  host: HostFacts;
}

// A problem with the config found while compiling: names the field.
export class ConfigError extends UserError {
  constructor(readonly field: string, reason: string) {
    super(`${field}: ${reason}`);
  }
}
