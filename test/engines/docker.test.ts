// dockerd drives tsrun as it drives runc: a dockerd and containerd of the
// test's own (scratch directory, own network namespace), tsrun registered as
// the runtime "tsrun", a busybox image imported from a local tar.
//
// Bridge networking is the part that needs the runtime: dockerd (before 28) gives the
// runtime an OCI hook, libnetwork-setkey, that calls back into dockerd with
// the container's pid; dockerd then moves the veth into the container's
// network namespace and gives it its address, routes and DNS.
import t, { type Test } from 'tap';
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { commandExists, describe, sleepSync, waitFor } from '../lib/engines/command';
import { startContainerd } from '../lib/engines/containerd';
import { startDockerd, type Dockerd } from '../lib/engines/dockerd';
import { busyboxTar, IMAGE } from '../lib/engines/image';
import { cgroupMounts } from '../lib/engines/leftovers';
import { makeScratch } from '../lib/engines/scratch';
import { tsrun } from '../lib/tsrun';

const missing = ['dockerd', 'containerd', 'docker', 'iptables', 'unshare', 'nsenter'].filter((c) => !commandExists(c));
if (missing.length) {
  t.plan(0, `needs ${missing.join(', ')} (npm run test:engines installs them)`);
} else {
  const s = makeScratch(t, 'docker');
  const dockerd = startDockerd(s, startContainerd(s));
  t.comment(`dockerd ${dockerd.version}`);
  const imported = dockerd.docker(['import', busyboxTar(s), IMAGE]);
  if (imported.status !== 0) throw new Error(`docker import: ${describe(imported)}`);
  dockerTests(dockerd);
}

function dockerTests(d: Dockerd): void {
  const docker = d.docker;
  const inspect = (id: string, format: string) => docker(['inspect', '--format', format, id]).stdout.trim();
  // A detached tsrun container that ends quickly on SIGTERM (a shell as pid 1 ignores it otherwise).
  const STOPPABLE = ['sh', '-c', 'trap "exit 0" TERM; while :; do sleep 0.1; done'];
  const runDetached = (t: Test, opts: string[], cmd: string[] = STOPPABLE): string => {
    const r = docker(['run', '-d', '--runtime', 'tsrun', ...opts, IMAGE, ...cmd]);
    if (r.status !== 0) throw new Error(`docker run -d: ${describe(r)}`);
    const id = r.stdout.trim();
    t.teardown(() => { docker(['rm', '--force', id]); });
    return id;
  };
  const exec = (id: string, cmd: string[], opts: string[] = []) => docker(['exec', ...opts, id, ...cmd]);

  t.test('docker run --rm: the output and the exit code come back', async (t) => {
    const r = docker(['run', '--rm', '--runtime', 'tsrun', IMAGE, 'sh', '-c', 'echo hello from tsrun; exit 7']);
    t.equal(r.status, 7, describe(r));
    t.equal(r.stdout, 'hello from tsrun\n');
    t.equal(docker(['ps', '-aq']).stdout.trim(), '', '--rm left no container');
  });

  t.test('docker run -d, exec, top, stop, rm', async (t) => {
    const id = runDetached(t, []);
    t.equal(inspect(id, '{{.HostConfig.Runtime}}'), 'tsrun');
    const state = tsrun(['--root', d.tsrunRoot, 'state', id]);
    t.equal(state.status, 0, `tsrun knows the container: ${state.stderr}`);
    t.equal(JSON.parse(state.stdout || '{}').status, 'running');
    t.equal(JSON.parse(state.stdout || '{}').pid, Number(inspect(id, '{{.State.Pid}}')), 'docker and tsrun agree on the pid');

    const e = exec(id, ['sh', '-c', 'echo in exec; cat /proc/1/cmdline | tr "\\0" " "; exit 3']);
    t.equal(e.status, 3, describe(e));
    t.match(e.stdout, /^in exec\nsh -c trap/, 'exec joins the pid namespace of the container');

    const top = docker(['top', id]);
    t.equal(top.status, 0, describe(top));
    t.match(top.stdout, /sh -c trap/, 'docker top (tsrun ps) lists the process');

    const started = Date.now();
    const stop = docker(['stop', '--time', '20', id]);
    t.equal(stop.status, 0, describe(stop));
    t.ok(Date.now() - started < 15_000, 'SIGTERM reached the process: it stopped before the SIGKILL deadline');
    t.equal(inspect(id, '{{.State.ExitCode}}'), '0', 'the trap ran: exit code 0');

    const rm = docker(['rm', id]);
    t.equal(rm.status, 0, describe(rm));
    t.not(tsrun(['--root', d.tsrunRoot, 'state', id]).status, 0, 'tsrun has no state left for it');
    for (const m of cgroupMounts()) {
      t.notOk(readdirSafe(join(m, d.cgroupParent)).includes(id), `no cgroup left in ${m}`);
    }
  });

  t.test('docker kill: docker wait reports the signal; docker restart runs it again', async (t) => {
    const id = runDetached(t, [], ['sleep', '1000']);
    const pid1 = inspect(id, '{{.State.Pid}}');
    const restart = docker(['restart', '--time', '1', id]);
    t.equal(restart.status, 0, describe(restart));
    t.equal(inspect(id, '{{.State.Running}}'), 'true');
    t.not(inspect(id, '{{.State.Pid}}'), pid1, 'a new init');
    t.equal(docker(['kill', id]).status, 0);
    const w = docker(['wait', id]);
    t.equal(w.stdout.trim(), '137', 'killed by SIGKILL: 128 + 9');
  });

  t.test('bridge network: the libnetwork-setkey hook runs and eth0 has the address docker gave', async (t) => {
    const id = runDetached(t, []);
    const config = JSON.parse(readFileSync(join(d.bundleOf(id), 'config.json'), 'utf8'));
    const kinds = Object.entries(config.hooks ?? {})
      .filter(([, hooks]) => (hooks as { args?: string[] }[]).some((h) => h.args?.[0] === 'libnetwork-setkey'))
      .map(([kind]) => kind);
    t.comment(`dockerd ${d.version} passes libnetwork-setkey as a hook of kind: ${kinds.join(', ') || 'none'}`);
    // Since 28.0 dockerd sets the sandbox key itself after create, without a hook.
    if (Number(d.version.split('.')[0]) < 28) {
      t.ok(kinds.length === 1 && ['prestart', 'createRuntime'].includes(kinds[0]), `the hook is in the config: ${kinds}`);
    }

    const ip = inspect(id, '{{.NetworkSettings.IPAddress}}');
    const gateway = inspect(id, '{{.NetworkSettings.Gateway}}');
    t.match(ip, /^\d+\.\d+\.\d+\.\d+$/, 'docker gave it an address');
    const addr = exec(id, ['ip', '-4', '-o', 'addr', 'show', 'dev', 'eth0']);
    t.equal(addr.status, 0, describe(addr));
    t.match(addr.stdout, ` inet ${ip}/`, `eth0 inside has ${ip}`);
    t.comment(`inside: ${addr.stdout.trim().replace(/\s+/g, ' ')}`);
    t.match(exec(id, ['ip', 'route']).stdout, `default via ${gateway} dev eth0`, 'the default route is docker\'s gateway');
    const ping = exec(id, ['ping', '-c', '1', '-W', '5', gateway]);
    t.equal(ping.status, 0, `the bridge (in the test's own network namespace) answers: ${describe(ping)}`);
  });

  t.test('user-defined network: two tsrun containers reach each other by address and by name', async (t) => {
    const net = 'tsrun-test-net';
    const created = docker(['network', 'create', net]);
    t.equal(created.status, 0, describe(created));
    t.teardown(() => { docker(['network', 'rm', net]); });
    // A answers every TCP connection on 7777 with its hostname.
    const a = runDetached(t, ['--network', net, '--name', 'tsrun-a', '--hostname', 'tsrun-a'], ['nc', '-ll', '-p', '7777', '-e', 'hostname']);
    const b = runDetached(t, ['--network', net, '--name', 'tsrun-b'], ['sleep', '1000']);
    const ipA = inspect(a, `{{(index .NetworkSettings.Networks "${net}").IPAddress}}`);
    const ipB = inspect(b, `{{(index .NetworkSettings.Networks "${net}").IPAddress}}`);
    t.match(exec(b, ['ip', '-4', '-o', 'addr', 'show', 'dev', 'eth0']).stdout, ` inet ${ipB}/`, `b has ${ipB}`);
    const ping = exec(b, ['ping', '-c', '2', '-W', '5', ipA]);
    t.equal(ping.status, 0, `b pings a at ${ipA}: ${describe(ping)}`);
    let reply = '';
    waitFor(() => (reply = exec(b, ['nc', '-w', '2', ipA, '7777']).stdout.trim()) === 'tsrun-a', 10_000, 200);
    t.equal(reply, 'tsrun-a', 'a TCP connection from b to a gets a\'s answer');
    // Docker's embedded DNS (127.0.0.11), set up in the container's namespace by the same hook.
    const byName = exec(b, ['ping', '-c', '1', '-W', '5', 'tsrun-a']);
    t.equal(byName.status, 0, describe(byName));
    t.match(byName.stdout, `(${ipA})`, 'the name resolves to a\'s address');
  });

  t.test('--network container:ID: a second container joins the first one\'s namespace by path', async (t) => {
    const first = runDetached(t, []);
    const ip = inspect(first, '{{.NetworkSettings.IPAddress}}');
    const r = docker(['run', '--rm', '--runtime', 'tsrun', '--network', `container:${first}`, IMAGE, 'ip', '-4', '-o', 'addr', 'show', 'dev', 'eth0']);
    t.equal(r.status, 0, describe(r));
    t.match(r.stdout, ` inet ${ip}/`, 'the same eth0');
  });

  t.test('--memory, docker update and an OOM kill', async (t) => {
    const id = runDetached(t, ['--memory', '32m']);
    // As the container sees its cgroup: v1 memory controller, or cgroup2.
    const limit = () => exec(id, ['sh', '-c', 'cat /sys/fs/cgroup/memory/memory.limit_in_bytes 2>/dev/null || cat /sys/fs/cgroup/memory.max']).stdout.trim();
    t.equal(limit(), String(32 << 20), 'the limit docker asked for');
    const u = docker(['update', '--memory', '48m', '--memory-swap', '96m', id]);
    t.equal(u.status, 0, describe(u));
    t.equal(limit(), String(48 << 20), 'docker update (tsrun update --resources) changed it');
    const oom = docker(['run', '--runtime', 'tsrun', '--memory', '16m', '--memory-swap', '16m', IMAGE, 'sh', '-c', 'x=a; while :; do x=$x$x; done']);
    const oomId = docker(['ps', '-lq']).stdout.trim();
    t.teardown(() => { docker(['rm', '--force', oomId]); });
    t.equal(oom.status, 137, 'killed');
    t.equal(inspect(oomId, '{{.State.OOMKilled}}'), 'true', 'docker saw the OOM kill in the cgroup tsrun made');
  });

  t.test('docker run --tmpfs: the tmpfs keeps the mode of the directory it covers, as with runc', async (t) => {
    const r = docker(['run', '--rm', '--runtime', 'tsrun', '--tmpfs', '/root', '--tmpfs', '/new', IMAGE, 'stat', '-c', '%n %a', '/root', '/new']);
    t.equal(r.status, 0, describe(r));
    t.equal(r.stdout, '/root 755\n/new 1777\n');
  });

  t.test('docker run -t and docker exec -t: a terminal', async (t) => {
    const r = docker(['run', '--rm', '-t', '--runtime', 'tsrun', IMAGE, 'sh', '-c', 'tty; test -t 0 && echo stdin is a terminal; exit 5']);
    t.equal(r.status, 5, describe(r));
    t.equal(r.stdout, '/dev/pts/0\r\nstdin is a terminal\r\n', 'the pty turns newlines into CRLF');
    const id = runDetached(t, ['-t']);
    const e = exec(id, ['tty'], ['-t']);
    t.equal(e.status, 0, describe(e));
    t.match(e.stdout, /^\/dev\/pts\/\d+\r\n$/);
  });

  t.test('docker pause and unpause freeze and thaw the container', async (t) => {
    const id = runDetached(t, [], ['sh', '-c', 'i=0; while :; do i=$((i+1)); echo $i > /tmp/n; sleep 0.05; done']);
    const pid = inspect(id, '{{.State.Pid}}');
    // The counter as the host sees it, through the container's root.
    const counter = () => { try { return readFileSync(`/proc/${pid}/root/tmp/n`, 'utf8'); } catch { return ''; } };
    t.ok(waitFor(() => counter() !== '', 5_000), 'the counter runs');
    t.equal(docker(['pause', id]).status, 0);
    t.equal(inspect(id, '{{.State.Status}}'), 'paused');
    t.equal(JSON.parse(tsrun(['--root', d.tsrunRoot, 'state', id]).stdout || '{}').status, 'paused', 'tsrun says paused too');
    const frozen = counter();
    sleepSync(400);
    t.equal(counter(), frozen, 'no progress while paused');
    t.equal(docker(['unpause', id]).status, 0);
    t.equal(inspect(id, '{{.State.Status}}'), 'running');
    t.ok(waitFor(() => counter() !== frozen, 5_000), 'it counts again');
  });

  t.test('docker stats: the cgroup tsrun placed the container in is the one docker reads', async (t) => {
    const id = runDetached(t, [], ['sh', '-c', 'sleep 1000 & sleep 1000 & wait']);
    const r = docker(['stats', '--no-stream', '--format', '{{.PIDs}} {{.MemUsage}}', id]);
    t.equal(r.status, 0, describe(r));
    const [pids, mem] = r.stdout.trim().split(' ');
    t.equal(pids, '3', 'sh and two sleeps');
    t.notMatch(mem, /^0B$/, `memory in use: ${mem}`);
  });
}

function readdirSafe(dir: string): string[] {
  try { return readdirSync(dir); } catch { return []; }
}
