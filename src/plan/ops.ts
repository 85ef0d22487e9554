import { Op } from '../native/protocol';
import { describeFlags } from './mount-options';
import type { PlanOp } from './types';
import type { Hook } from '../spec/types';

// One constructor per helper op: the argument order of protocol.h lives here
// only, and every op carries its config field and a readable step.

export interface MountArgs {
  source?: string;
  target: string;
  // Resolve target inside the rootfs (openat2 RESOLVE_IN_ROOT) rather than on the host.
  inRoot: boolean;
  // ...and through no symlink at all: procfs and sysfs must land where they are named.
  noSymlinks?: boolean;
  fstype?: string;
  flags: number;
  data?: string;
}

const octal = (n: number) => '0' + n.toString(8);

export const op = {
  setns: (path: string, nstype: number, name: string, field: string): PlanOp =>
    ({ code: Op.Setns, args: [path, nstype], field, step: `join the ${name} namespace at ${path}` }),
  unshare: (flags: number, what: string, field: string): PlanOp =>
    ({ code: Op.Unshare, args: [flags], field, step: `unshare a new ${what}` }),
  writeFile: (path: string, data: string, field: string): PlanOp =>
    ({ code: Op.WriteFile, args: [path, Buffer.from(data)], field, step: `write ${JSON.stringify(data)} to ${path}` }),
  openFifo: (path: string): PlanOp =>
    ({ code: Op.OpenFifo, args: [path], field: 'exec fifo', step: `create the exec fifo ${path}` }),
  clone: (flags: number, names: string[], wait: boolean): PlanOp => ({
    code: Op.Clone, args: [flags, wait ? 1 : 0], field: 'linux.namespaces',
    step: `clone the container init${names.length ? ` into new ${names.join(', ')} namespaces` : ''}`,
  }),
  // returnTo: where a helper that stays to wait for the init goes back to.
  enterCgroup: (v1Tasks: string[], cgroup2Dir: string, returnTo: string[]): PlanOp => ({
    code: Op.EnterCgroup, args: [v1Tasks, cgroup2Dir, returnTo], field: 'linux.cgroupsPath',
    step: [
      ...(v1Tasks.length ? [`move the helper into ${v1Tasks.join(', ')} (the init is born there)`] : []),
      ...(cgroup2Dir ? [`open ${cgroup2Dir} to clone the init into`] : []),
      ...(returnTo.length ? [`open ${returnTo.join(', ')} to wait in after the clone`] : []),
    ].join('; '),
  }),
  sync: (tag: number, why: string, field: string): PlanOp =>
    ({ code: Op.Sync, args: [tag], field, step: `wait for tsrun to ${why}` }),
  sethostname: (name: string): PlanOp =>
    ({ code: Op.Sethostname, args: [name], field: 'hostname', step: `set the hostname to ${name}` }),
  setdomainname: (name: string): PlanOp =>
    ({ code: Op.Setdomainname, args: [name], field: 'domainname', step: `set the domain name to ${name}` }),
  mount: (m: MountArgs, field: string, step?: string): PlanOp => ({
    code: Op.Mount,
    args: [m.source ?? '', m.target, m.inRoot ? (m.noSymlinks ? 2 : 1) : 0, m.fstype ?? '', m.flags, m.data ?? ''],
    field,
    step: step ?? `mount ${m.fstype || m.source || 'none'} on ${m.target} (${describeFlags(m.flags)}${m.data ? `, ${m.data}` : ''})`,
  }),
  // A tmpfs of config.json: the helper makes the directory when missing, gives
  // the tmpfs the mode of one that was there unless data has a mode=, and with
  // copyUp (tmpcopyup) a copy of its contents.
  mountTmpfs: (source: string, target: string, flags: number, data: string, copyUp: boolean, field: string): PlanOp => ({
    code: Op.MountTmpfs,
    args: [source, target, flags, data, copyUp ? 1 : 0],
    field,
    step: `mount tmpfs on ${target} (${describeFlags(flags)}${data ? `, ${data}` : ''})` +
      (copyUp ? `, holding a copy of what ${target} held (tmpcopyup)` : ''),
  }),
  // rro, rnosuid, ...: mount_setattr(2) with AT_RECURSIVE, on the mount and every mount under it.
  mountSetattr: (target: string, set: number, clear: number, field: string): PlanOp => ({
    code: Op.MountSetattr, args: [target, set, clear], field,
    step: `set mount attributes recursively on ${target} (set 0x${set.toString(16)}, clear 0x${clear.toString(16)})`,
  }),
  openRoot: (path: string, field: string): PlanOp =>
    ({ code: Op.OpenRoot, args: [path], field, step: `open ${path} as the root that paths resolve in` }),
  mkdirs: (path: string, mode: number, leafIsFile: boolean, field: string): PlanOp => ({
    code: Op.Mkdirs, args: [path, mode, leafIsFile ? 1 : 0], field,
    step: `create ${path}${leafIsFile ? ' (a file)' : ''} inside the rootfs`,
  }),
  mknod: (path: string, mode: number, major: number, minor: number, uid: number, gid: number, field: string): PlanOp => ({
    code: Op.Mknod, args: [path, mode, major, minor, uid, gid], field,
    step: `mknod ${path} ${major}:${minor} mode ${octal(mode & 0o7777)} owner ${uid}:${gid}`,
  }),
  symlink: (target: string, path: string, field: string): PlanOp =>
    ({ code: Op.Symlink, args: [target, path], field, step: `symlink ${path} -> ${target}` }),
  pivotRoot: (path: string): PlanOp =>
    ({ code: Op.PivotRoot, args: [path], field: 'root.path', step: `pivot_root into ${path} and detach the old root` }),
  chroot: (path: string, field: string): PlanOp =>
    ({ code: Op.Chroot, args: [path], field, step: `chroot into ${path} (no mount namespace of its own)` }),
  moveRoot: (path: string): PlanOp =>
    ({ code: Op.MoveRoot, args: [path], field: 'root.path', step: `move ${path} onto / and chroot into it (--no-pivot)` }),
  maskPath: (path: string, field: string): PlanOp =>
    ({ code: Op.MaskPath, args: [path], field, step: `mask ${path}` }),
  readonlyPath: (path: string, field: string): PlanOp =>
    ({ code: Op.ReadonlyPath, args: [path], field, step: `make ${path} read-only` }),
  setrlimit: (name: string, resource: number, soft: number, hard: number, field: string): PlanOp =>
    ({ code: Op.Setrlimit, args: [resource, soft, hard], field, step: `setrlimit ${name} soft ${soft} hard ${hard}` }),
  chdir: (path: string): PlanOp =>
    ({ code: Op.Chdir, args: [path], field: 'process.cwd', step: `chdir to ${path}` }),
  setgroups: (gids: number[]): PlanOp =>
    ({ code: Op.Setgroups, args: gids, field: 'process.user.additionalGids', step: `set supplementary groups [${gids.join(', ')}]` }),
  setresgid: (gid: number, field: string): PlanOp =>
    ({ code: Op.Setresgid, args: [gid], field, step: `set gid ${gid}` }),
  setresuid: (uid: number, field: string): PlanOp =>
    ({ code: Op.Setresuid, args: [uid], field, step: `set uid ${uid}` }),
  umask: (mask: number): PlanOp =>
    ({ code: Op.Umask, args: [mask], field: 'process.user.umask', step: `set umask ${octal(mask)}` }),
  capBounding: (keep: bigint, names: string): PlanOp =>
    ({ code: Op.CapBounding, args: [keep], field: 'process.capabilities.bounding', step: `limit the bounding set to ${names}` }),
  keepcaps: (on: boolean): PlanOp =>
    ({ code: Op.Keepcaps, args: [on ? 1 : 0], field: 'process.capabilities', step: `${on ? 'keep' : 'stop keeping'} capabilities across the uid change` }),
  caps: (eff: bigint, perm: bigint, inh: bigint, amb: bigint): PlanOp => ({
    code: Op.Caps, args: [eff, perm, inh, amb], field: 'process.capabilities',
    step: `set capabilities effective=${eff.toString(16)} permitted=${perm.toString(16)} inheritable=${inh.toString(16)} ambient=${amb.toString(16)}`,
  }),
  noNewPrivs: (): PlanOp =>
    ({ code: Op.NoNewPrivs, args: [], field: 'process.noNewPrivileges', step: 'set no_new_privs' }),
  resolveExec: (name: string, path: string): PlanOp =>
    ({ code: Op.ResolveExec, args: [name, path], field: 'process.args', step: `look up ${name} in PATH=${path}` }),
  ready: (): PlanOp =>
    ({ code: Op.Ready, args: [], field: 'process', step: 'tell tsrun the container is created' }),
  waitFifo: (): PlanOp =>
    ({ code: Op.WaitFifo, args: [], field: 'process', step: 'wait on the exec fifo for `tsrun start`' }),
  closeFds: (first: number): PlanOp =>
    ({ code: Op.CloseFds, args: [first], field: 'process', step: `close every file descriptor from ${first} up` }),
  // OP_SECCOMP takes (program, flags, listener path, state pieces). With an
  // empty program it only connects to the listener (before the clone, on the
  // host); with a program and NEW_LISTENER in the flags it sends the notify fd
  // there with the state JSON: the pieces joined by the init's host pid.
  seccomp: (program: Buffer, flags: number, statePieces: string[] = [], arches = ''): PlanOp => ({
    code: Op.Seccomp, args: [program, flags, '', statePieces], field: 'linux.seccomp',
    step: `load a seccomp filter of ${program.length / 8} instructions${arches ? ` for ${arches}` : ''}, flags ${flags}${statePieces.length ? ', and send its notify fd to the listener' : ''}`,
  }),
  seccompListener: (path: string): PlanOp => ({
    code: Op.Seccomp, args: [Buffer.alloc(0), 0, path, []], field: 'linux.seccomp.listenerPath',
    step: `connect to the seccomp listener ${path}`,
  }),
  joinKeyring: (name: string): PlanOp =>
    ({ code: Op.JoinKeyring, args: [name], field: '--no-new-keyring', step: `join a new session keyring ${name}, not the caller's` }),
  consoleConnect: (path: string): PlanOp =>
    ({ code: Op.ConsoleConnect, args: [path], field: '--console-socket', step: `connect to the console socket ${path}` }),
  consolePair: (): PlanOp =>
    ({ code: Op.ConsolePair, args: [], field: 'process.terminal', step: 'make a socket pair: the helper will relay the terminal itself' }),
  setupTty: (rows: number, cols: number, consolePath: string, uid: number, gid: number): PlanOp => ({
    code: Op.SetupTty, args: [rows, cols, consolePath, uid, gid], field: 'process.terminal',
    step: `open a pty${rows && cols ? ` of ${cols}x${rows}` : ''}, send its master away, make its slave stdio and the controlling terminal${consolePath ? ` and ${consolePath}` : ''}`,
  }),
  runHook: (h: Hook, stateBefore: string, stateAfter: string, field: string): PlanOp => ({
    code: Op.RunHook, args: [h.path, h.args ?? [h.path], h.env ?? [], h.timeout ?? 0, stateBefore, stateAfter], field,
    step: `run the hook ${h.path}${h.timeout ? ` (at most ${h.timeout}s)` : ''} with the state on stdin`,
  }),
  personality: (persona: number, name: string): PlanOp =>
    ({ code: Op.Personality, args: [persona], field: 'linux.personality', step: `set the personality to ${name}` }),
  ioprio: (value: number, what: string): PlanOp =>
    ({ code: Op.Ioprio, args: [value], field: 'process.ioPriority', step: `set the I/O priority to ${what}` }),
  sched: (attr: number[], policy: string): PlanOp =>
    ({ code: Op.Sched, args: attr, field: 'process.scheduler', step: `set the scheduling policy to ${policy}` }),
  exec: (args: string[], env: string[]): PlanOp =>
    ({ code: Op.Exec, args: [args, env], field: 'process.args', step: `execve ${JSON.stringify(args)}` }),
};
