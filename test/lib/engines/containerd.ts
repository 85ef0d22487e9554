// A containerd of the test's own: its config, root, state and sockets under
// the scratch directory, never the system's /etc/containerd or /run/containerd
// (containerd 1.6's shims still put their sockets in /run/containerd/s,
// named by a hash of our address, and remove them when they end).
//
// It runs in a network namespace of its own (unshare --net), which dockerd
// then joins: bridges, veths and iptables rules an engine makes live and die
// there, and no container traffic can reach the host's networks.
import { writeFileSync } from 'node:fs';
import { runCommand, type Result } from './command';
import { startDaemon, type Daemon } from './daemon';
import type { Scratch } from './scratch';

export interface Containerd extends Daemon {
  address: string;
  stateDir: string;
  // The network namespace it runs in, for daemons that should share it.
  netns: string;
  ctr(args: string[], opts?: { namespace?: string; timeoutMs?: number }): Result;
}

export function startContainerd(s: Scratch): Containerd {
  const address = s.path('containerd', 'sock');
  const stateDir = s.path('containerd', 'state');
  const config = s.path('containerd.toml');
  writeFileSync(config, `version = 2
root = "${s.path('containerd', 'root')}"
state = "${stateDir}"
# No Kubernetes side: the CRI plugin would look for CNI and start its own work.
disabled_plugins = ["io.containerd.grpc.v1.cri"]
[grpc]
  address = "${address}"
[ttrpc]
  address = "${address}.ttrpc"
[debug]
  address = ""
[metrics]
  address = ""
[plugins."io.containerd.internal.v1.opt"]
  path = "${s.path('containerd', 'opt')}"
`);
  const ctr = (args: string[], opts: { namespace?: string; timeoutMs?: number } = {}): Result =>
    runCommand(['ctr', '--address', address, '--namespace', opts.namespace ?? 'tsrun-test', ...args], { timeoutMs: opts.timeoutMs, outDir: s.dir });
  const d = startDaemon('containerd', ['unshare', '--net', 'containerd', '--config', config], s.path('containerd.log'),
    () => ctr(['version'], { timeoutMs: 5_000 }).status === 0);
  s.addDaemon(d.name, d.pid);
  return { ...d, address, stateDir, netns: `/proc/${d.pid}/ns/net`, ctr };
}
