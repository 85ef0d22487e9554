import { MOUNT_ATTR, MS } from './linux-constants';

// A mount's options split the way mount(8) splits them: flags to set or
// clear, propagation changes applied after the mount, and the rest passed to
// the filesystem as data; and runc's tmpcopyup, which is no kernel option.
export interface ParsedMountOptions {
  flags: number;
  propagation: number[];
  data: string[];
  bind: boolean;
  recursive: boolean;
  // tmpcopyup: the tmpfs starts with a copy of the directory it covers.
  copyUp: boolean;
  // rro, rnosuid, ...: mount_setattr(2) attributes for the mount and every mount under it.
  recursiveAttr: { set: number; clear: number };
}

const FLAGS: Record<string, { set?: number; clear?: number }> = {
  defaults: {},
  ro: { set: MS.RDONLY },
  rw: { clear: MS.RDONLY },
  nosuid: { set: MS.NOSUID },
  suid: { clear: MS.NOSUID },
  nodev: { set: MS.NODEV },
  dev: { clear: MS.NODEV },
  noexec: { set: MS.NOEXEC },
  exec: { clear: MS.NOEXEC },
  sync: { set: MS.SYNCHRONOUS },
  async: { clear: MS.SYNCHRONOUS },
  dirsync: { set: MS.DIRSYNC },
  remount: { set: MS.REMOUNT },
  mand: { set: MS.MANDLOCK },
  nomand: { clear: MS.MANDLOCK },
  noatime: { set: MS.NOATIME },
  atime: { clear: MS.NOATIME },
  nodiratime: { set: MS.NODIRATIME },
  diratime: { clear: MS.NODIRATIME },
  relatime: { set: MS.RELATIME },
  norelatime: { clear: MS.RELATIME },
  strictatime: { set: MS.STRICTATIME },
  nostrictatime: { clear: MS.STRICTATIME },
  lazytime: { set: MS.LAZYTIME },
  nolazytime: { clear: MS.LAZYTIME },
  iversion: { set: MS.IVERSION },
  noiversion: { clear: MS.IVERSION },
  silent: { set: MS.SILENT },
  loud: { clear: MS.SILENT },
  nosymfollow: { set: MS.NOSYMFOLLOW },
  symfollow: { clear: MS.NOSYMFOLLOW },
};

// runtime-spec 1.1's recursive options, as runc maps them to mount_setattr(2).
const RECURSIVE: Record<string, { set?: number; clear?: number }> = {
  rro: { set: MOUNT_ATTR.RDONLY },
  rrw: { clear: MOUNT_ATTR.RDONLY },
  rnosuid: { set: MOUNT_ATTR.NOSUID },
  rsuid: { clear: MOUNT_ATTR.NOSUID },
  rnodev: { set: MOUNT_ATTR.NODEV },
  rdev: { clear: MOUNT_ATTR.NODEV },
  rnoexec: { set: MOUNT_ATTR.NOEXEC },
  rexec: { clear: MOUNT_ATTR.NOEXEC },
  rnodiratime: { set: MOUNT_ATTR.NODIRATIME },
  rdiratime: { clear: MOUNT_ATTR.NODIRATIME },
  rrelatime: { set: MOUNT_ATTR.RELATIME },
  rnorelatime: { clear: MOUNT_ATTR.RELATIME },
  rnoatime: { set: MOUNT_ATTR.NOATIME },
  ratime: { clear: MOUNT_ATTR.NOATIME },
  rstrictatime: { set: MOUNT_ATTR.STRICTATIME },
  rnostrictatime: { clear: MOUNT_ATTR.STRICTATIME },
  rnosymfollow: { set: MOUNT_ATTR.NOSYMFOLLOW },
  rsymfollow: { clear: MOUNT_ATTR.NOSYMFOLLOW },
};
const ATIME_MODES = ['rrelatime', 'rnoatime', 'rstrictatime'];

export const PROPAGATION: Record<string, number> = {
  private: MS.PRIVATE,
  rprivate: MS.PRIVATE | MS.REC,
  shared: MS.SHARED,
  rshared: MS.SHARED | MS.REC,
  slave: MS.SLAVE,
  rslave: MS.SLAVE | MS.REC,
  unbindable: MS.UNBINDABLE,
  runbindable: MS.UNBINDABLE | MS.REC,
};

export function parseMountOptions(options: readonly string[] = []): ParsedMountOptions {
  const out: ParsedMountOptions = { flags: 0, propagation: [], data: [], bind: false, recursive: false, copyUp: false, recursiveAttr: { set: 0, clear: 0 } };
  for (const opt of options) {
    if (opt in RECURSIVE) {
      // A later option overrides an earlier one, as with the flags.
      const r = RECURSIVE[opt];
      const attr = out.recursiveAttr;
      if (ATIME_MODES.includes(opt)) {
        // An atime mode is set by clearing the whole atime field (mount_setattr(2)).
        attr.set = (attr.set & ~MOUNT_ATTR.ATIME_MASK) | r.set!;
        attr.clear |= MOUNT_ATTR.ATIME_MASK;
      } else if (r.set !== undefined) {
        attr.set |= r.set;
        attr.clear &= ~r.set;
      } else {
        attr.clear |= r.clear!;
        attr.set &= ~r.clear!;
      }
    } else if (opt === 'tmpcopyup') {
      out.copyUp = true;
    } else if (opt === 'bind' || opt === 'rbind') {
      out.bind = true;
      out.recursive ||= opt === 'rbind';
    } else if (opt in FLAGS) {
      const f = FLAGS[opt];
      if (f.set) out.flags |= f.set;
      if (f.clear) out.flags &= ~f.clear;
    } else if (opt in PROPAGATION) {
      out.propagation.push(PROPAGATION[opt]);
    } else {
      out.data.push(opt);
    }
  }
  return out;
}

// Flag names for the printed plan ("ro|nosuid|bind").
export function describeFlags(flags: number): string {
  const names = Object.entries(MS).filter(([, bit]) => flags & bit).map(([n]) => n.toLowerCase());
  return names.length ? names.join('|') : '0';
}
