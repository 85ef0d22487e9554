// podman with its storage, run and temporary directories under the scratch
// directory and tsrun as its runtime. Podman has no daemon: each command
// reads these flags, and passes them on to the cleanup command conmon runs
// when a container ends (that is why they are flags and not a
// containers.conf, which that command would not see).
//
// tsrun keeps podman's containers in its default --root (podman passes
// none; its --runtime-flag would not reach the cleanup command either).
// The record names them through podman's own container directory, so only
// the test's containers are ever deleted from there.
import { readFileSync } from 'node:fs';
import { basename } from 'node:path';
import { TSRUN } from '../tsrun';
import { runCommand, type Result, type RunOptions } from './command';
import type { Scratch } from './scratch';

export const TSRUN_DEFAULT_ROOT = '/run/tsrun';

export interface Podman {
  podman(args: string[], opts?: RunOptions): Result;
  // Options every `podman run` of the tests takes.
  runOptions: string[];
  cgroupParent: string;
}

// Without CAP_SYS_RESOURCE (some sandboxes drop it) root cannot raise a hard
// rlimit, and podman asks for nofile and nproc 1048576 by default: runc and
// crun fail there as tsrun does. Then the tests ask for what the host allows.
function rlimitOptions(): string[] {
  const effective = BigInt('0x' + /CapEff:\s+(\w+)/.exec(readFileSync('/proc/self/status', 'utf8'))![1]);
  if ((effective >> 24n) & 1n) return []; // CAP_SYS_RESOURCE
  return ['--ulimit', 'nofile=1024:1024', '--ulimit', 'nproc=4096:4096'];
}

export function makePodman(s: Scratch): Podman {
  const global = [
    '--root', s.path('podman', 'root'),
    '--runroot', s.path('podman', 'run'),
    '--tmpdir', s.path('podman', 'tmp'),
    '--storage-driver', 'overlay',
    '--cgroup-manager', 'cgroupfs', // no systemd here
    '--events-backend', 'file', // no journald either
    '--runtime', TSRUN,
  ];
  const podman = (args: string[], opts: RunOptions = {}): Result => runCommand(['podman', ...global, ...args], { outDir: s.dir, ...opts });
  const cgroupParent = `/${basename(s.dir)}`;
  s.addTsrunContainersOf(TSRUN_DEFAULT_ROOT, s.path('podman', 'root', 'overlay-containers'));
  s.addCgroupTree(cgroupParent);
  s.onCleanup(() => { podman(['rm', '--all', '--force', '--time', '0']); });
  // No network: podman's bridge would be made in the host's network namespace.
  return { podman, runOptions: ['--network', 'none', '--cgroup-parent', cgroupParent, ...rlimitOptions()], cgroupParent };
}
