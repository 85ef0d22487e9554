// A dockerd of the test's own, on its own containerd, with tsrun registered
// as the runtime "tsrun". Everything it keeps is under the scratch directory:
// --data-root, --exec-root, --pidfile, its API socket, its config file (so
// /etc/docker/daemon.json is not read) and its trust key (20.10 would write
// /etc/docker/key.json). It shares containerd's network namespace, so its
// docker0, user-defined bridges and iptables rules are the test's alone.
import { basename } from 'node:path';
import { writeFileSync } from 'node:fs';
import { TSRUN } from '../tsrun';
import { runCommand, type Result, type RunOptions } from './command';
import type { Containerd } from './containerd';
import { startDaemon, type Daemon } from './daemon';
import type { Scratch } from './scratch';

export interface Dockerd extends Daemon {
  version: string;
  cgroupParent: string;
  // tsrun's --root as the containerd shim passes it for dockerd's containers.
  tsrunRoot: string;
  // The bundle containerd made for a container: config.json is there while it exists.
  bundleOf(containerId: string): string;
  docker(args: string[], opts?: RunOptions): Result;
}

export function startDockerd(s: Scratch, containerd: Containerd): Dockerd {
  const socket = s.path('docker.sock');
  const env: NodeJS.ProcessEnv = { ...process.env, DOCKER_HOST: `unix://${socket}`, DOCKER_CONFIG: s.path('docker-cli') };
  delete env.DOCKER_CONTEXT;
  const docker = (args: string[], opts: RunOptions = {}): Result => runCommand(['docker', ...args], { env, outDir: s.dir, ...opts });
  // No systemd here: the cgroupfs driver, under a parent named after the scratch directory.
  const cgroupParent = `/${basename(s.dir)}`;
  const config = s.path('daemon.json');
  writeFileSync(config, JSON.stringify({
    'runtimes': { tsrun: { path: TSRUN } },
    'exec-opts': ['native.cgroupdriver=cgroupfs'],
    'cgroup-parent': cgroupParent,
    'deprecated-key-path': s.path('docker', 'key.json'),
  }, null, 2));
  const execRoot = s.path('docker', 'exec');
  const d = startDaemon('dockerd', [
    'nsenter', `--net=${containerd.netns}`, 'dockerd',
    '--config-file', config,
    '--containerd', containerd.address,
    '--data-root', s.path('docker', 'data'),
    '--exec-root', execRoot,
    '--pidfile', s.path('docker', 'dockerd.pid'),
    '--host', `unix://${socket}`,
  ], s.path('dockerd.log'), () => docker(['version'], { timeoutMs: 5_000 }).status === 0);
  s.addDaemon(d.name, d.pid);
  // The containerd shim gives tsrun this --root (named after the shim's default runtime).
  const tsrunRoot = s.path('docker', 'exec', 'runtime-runc', 'moby');
  s.addTsrunRoot(tsrunRoot);
  s.addCgroupTree(cgroupParent);
  // Every container and network of this daemon is the test's.
  s.onCleanup(() => {
    const ids = docker(['ps', '-aq']).stdout.split('\n').filter(Boolean);
    if (ids.length) docker(['rm', '--force', ...ids]);
    docker(['network', 'prune', '--force']);
  });
  return {
    ...d,
    version: docker(['version', '--format', '{{.Server.Version}}']).stdout.trim(),
    cgroupParent,
    tsrunRoot,
    bundleOf: (id) => `${containerd.stateDir}/io.containerd.runtime.v2.task/moby/${id}`,
    docker,
  };
}
