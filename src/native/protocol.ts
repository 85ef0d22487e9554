// The wire format between tsrun and tsrun-helper; the numbers mirror
// protocol.h, and test/unit/protocol.test.ts keeps the two equal.

export const PLAN_MAGIC = 0x50525354; // "TSRP"
export const PLAN_VERSION = 1;

export enum ArgTag {
  Int = 1,
  Str = 2,
  Blob = 3,
  Strv = 4,
}

export enum Msg {
  Plan = 1,
  Pid = 2,
  Sync = 3,
  Continue = 4,
  Ready = 5,
  Error = 6,
}

export enum Op {
  Setns = 1,
  Unshare = 2,
  WriteFile = 3,
  OpenFifo = 4,
  Clone = 5,
  Sync = 6,
  Sethostname = 7,
  Setdomainname = 8,
  Mount = 9,
  OpenRoot = 10,
  Mkdirs = 11,
  Mknod = 12,
  Symlink = 13,
  PivotRoot = 14,
  MoveRoot = 15,
  MaskPath = 16,
  ReadonlyPath = 17,
  Setrlimit = 18,
  Chdir = 19,
  Setgroups = 20,
  Setresgid = 21,
  Setresuid = 22,
  Umask = 23,
  CapBounding = 24,
  Keepcaps = 25,
  Caps = 26,
  NoNewPrivs = 27,
  ResolveExec = 28,
  Ready = 29,
  WaitFifo = 30,
  CloseFds = 31,
  Seccomp = 32,
  Exec = 33,
  JoinKeyring = 34,
  ConsoleConnect = 35,
  ConsolePair = 36,
  SetupTty = 37,
  RunHook = 38,
  Personality = 39,
  Ioprio = 40,
  Sched = 41,
  Chroot = 42,
  MountTmpfs = 43,
  MountSetattr = 44,
  EnterCgroup = 45,
}

// What an init asks tsrun to do at a sync point.
export enum SyncTag {
  // The init exists: write its id maps (a new user namespace), set the pids limit.
  Cloned = 1,
  // Mounts are done, pivot_root not yet: prestart and createRuntime hooks.
  RuntimeHooks = 2,
  // The helper is about to enter the container's cgroup: it must exist.
  CgroupMade = 3,
}
