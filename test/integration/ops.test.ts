// The operational commands engines call besides the lifecycle: pause and
// resume, ps, list, events, and the documents spec and features print.
// Real containers; every test removes what it made (makeBundle's teardown).
import t from 'tap';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { baseSpec, cgroupDirsOf, makeBundle, spawnTsrun, tsrun, uniqueId, waitForStatus, type Bundle } from '../lib/tsrun';
import { validateFeatures } from '../../src/spec/validate-features';

const stateOf = (b: Bundle, id: string) => JSON.parse(b.run(['state', id]).stdout);

// The container's freezer as this host has it: v1 freezer.state when that
// hierarchy is mounted, else cgroup2's cgroup.freeze.
function freezerFile(id: string): string {
  const dirs = cgroupDirsOf(id);
  const v1 = dirs.find((d) => d.includes('/freezer/'));
  return v1 ? join(v1, 'freezer.state') : join(dirs.find((d) => existsSync(join(d, 'cgroup.freeze')))!, 'cgroup.freeze');
}
const frozen = (id: string) => /^(FROZEN|1)$/.test(readFileSync(freezerFile(id), 'utf8').trim());

// The pids in the container's cgroup, read from the host's files.
function cgroupPids(id: string): number[] {
  for (const d of cgroupDirsOf(id)) {
    try {
      return readFileSync(join(d, 'cgroup.procs'), 'utf8').split('\n').filter(Boolean).map(Number).sort((x, y) => x - y);
    } catch {
      continue;
    }
  }
  return [];
}

const ticker = (file: string) => ['sh', '-c', `while true; do echo x >> ${file}; sleep 0.02; done`];
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

t.test('pause freezes every process, state says paused, resume thaws', async (t) => {
  const b = makeBundle(t);
  // The container writes a tick into a file of its rootfs; frozen, the file stops growing.
  b.spec.process!.args = ticker('/ticks');
  b.write();
  const id = uniqueId('pause');
  t.equal(b.run(['run', '-d', '-b', b.dir, id]).status, 0);
  const ticks = () => (existsSync(join(b.rootfs, 'ticks')) ? readFileSync(join(b.rootfs, 'ticks'), 'utf8').length : 0);
  for (let i = 0; i < 200 && ticks() === 0; i++) await sleep(10);

  const p = b.run(['pause', id]);
  t.equal(p.status, 0, p.stderr);
  t.equal(stateOf(b, id).status, 'paused');
  t.ok(frozen(id), `the freezer reads frozen (${freezerFile(id)})`);
  const before = ticks();
  await sleep(200);
  t.equal(ticks(), before, 'nothing runs while paused');

  const again = b.run(['pause', id]);
  t.not(again.status, 0, 'a paused container cannot be paused again');
  t.match(again.stderr, new RegExp(`cannot pause container ${id}: it is paused, not running`));

  const r = b.run(['resume', id]);
  t.equal(r.status, 0, r.stderr);
  t.equal(stateOf(b, id).status, 'running');
  t.notOk(frozen(id), 'the freezer reads thawed');
  await sleep(200);
  t.ok(ticks() > before, 'it runs again after resume');

  const resumeRunning = b.run(['resume', id]);
  t.not(resumeRunning.status, 0, 'resume of a running container fails');
  t.match(resumeRunning.stderr, new RegExp(`cannot resume container ${id}: it is running, not paused`));
});

t.test('a created container can be paused and resumed, and is created again', async (t) => {
  const b = makeBundle(t, baseSpec(['sleep', '1000']));
  const id = uniqueId('pause-created');
  t.equal(b.run(['create', '-b', b.dir, id]).status, 0);
  t.equal(b.run(['pause', id]).status, 0);
  t.equal(stateOf(b, id).status, 'paused');
  const start = b.run(['start', id]);
  t.not(start.status, 0, 'a paused container cannot be started');
  t.match(start.stderr, /it is paused, not created/);
  t.equal(b.run(['resume', id]).status, 0);
  t.equal(stateOf(b, id).status, 'created');
  t.equal(b.run(['start', id]).status, 0);
  t.equal(stateOf(b, id).status, 'running');
});

t.test('kill of a paused container: SIGKILL lands at once, other signals wait for resume', async (t) => {
  const b = makeBundle(t, baseSpec(['sh', '-c', 'trap "exit 3" USR1; sleep 1000 & sleep 1000 & wait']));
  const id = uniqueId('pause-kill');
  t.equal(b.run(['run', '-d', '-b', b.dir, id]).status, 0);
  // Until the shell has set its trap (SigCgt has SIGUSR1, signal 10).
  const init = stateOf(b, id).pid;
  const caught = () => (BigInt('0x' + (/^SigCgt:\s*(\w+)/m.exec(readFileSync(`/proc/${init}/status`, 'utf8'))?.[1] ?? '0')) >> 9n) & 1n;
  for (let i = 0; i < 500 && !caught(); i++) await sleep(10);
  t.equal(b.run(['pause', id]).status, 0);
  t.equal(cgroupPids(id).length, 3, 'sh and two sleeps');

  t.equal(b.run(['kill', id, 'USR1']).status, 0, 'a signal to a paused container is accepted');
  await sleep(200);
  t.equal(stateOf(b, id).status, 'paused', 'and stays pending while it is frozen');

  t.equal(b.run(['kill', '--all', id, 'KILL']).status, 0);
  await waitForStatus(b, id, 'stopped', 5_000);
  for (let i = 0; i < 200 && cgroupPids(id).length; i++) await sleep(10);
  t.same(cgroupPids(id), [], 'nothing left in the cgroup');
  t.notOk(frozen(id), 'the cgroup was thawed so the kills could land');
  t.equal(b.run(['delete', id]).status, 0);
});

t.test('kill of the init of a paused container with SIGKILL stops it', async (t) => {
  const b = makeBundle(t, baseSpec(['sleep', '1000']));
  const id = uniqueId('pause-kill-init');
  t.equal(b.run(['run', '-d', '-b', b.dir, id]).status, 0);
  t.equal(b.run(['pause', id]).status, 0);
  t.equal(b.run(['kill', id, 'SIGKILL']).status, 0);
  await waitForStatus(b, id, 'stopped', 5_000);
  t.pass('stopped');
});

t.test('delete --force of a paused container removes everything', async (t) => {
  const b = makeBundle(t, baseSpec(['sh', '-c', 'sleep 1000 & sleep 1000 & wait']));
  const id = uniqueId('pause-del');
  t.equal(b.run(['run', '-d', '-b', b.dir, id]).status, 0);
  t.equal(b.run(['pause', id]).status, 0);
  const plain = b.run(['delete', id]);
  t.not(plain.status, 0);
  t.match(plain.stderr, /not stopped: paused/);
  const started = Date.now();
  const del = b.run(['delete', '--force', id]);
  t.equal(del.status, 0, del.stderr);
  t.ok(Date.now() - started < 5_000, 'without waiting for a timeout');
  t.notOk(existsSync(join(b.root, id)), 'no state directory');
  for (const d of cgroupDirsOf(id)) t.notOk(existsSync(d), `no cgroup left at ${d}`);
});

t.test('pause and resume: bad input', async (t) => {
  const b = makeBundle(t, baseSpec(['true']));
  for (const cmd of ['pause', 'resume']) {
    const missing = b.run([cmd]);
    t.not(missing.status, 0);
    t.match(missing.stderr, new RegExp(`${cmd}: missing container-id`));
    const none = b.run([cmd, 'no-such-container']);
    t.not(none.status, 0);
    t.match(none.stderr, /container no-such-container does not exist/);
  }
  const id = uniqueId('pause-stopped');
  t.equal(b.run(['run', '-d', '-b', b.dir, id]).status, 0);
  await waitForStatus(b, id, 'stopped');
  const p = b.run(['pause', id]);
  t.not(p.status, 0);
  t.match(p.stderr, new RegExp(`cannot pause container ${id}: it is stopped, not running`));
  const r = b.run(['resume', id]);
  t.not(r.status, 0);
  t.match(r.stderr, new RegExp(`cannot resume container ${id}: it is stopped, not paused`));
});

t.test('ps: json lists the host pids of the cgroup; table filters the host ps', async (t) => {
  const b = makeBundle(t, baseSpec(['sh', '-c', 'sleep 1000 & sleep 1000 & wait']));
  const id = uniqueId('ps');
  t.equal(b.run(['run', '-d', '-b', b.dir, id]).status, 0);
  const init = stateOf(b, id).pid;
  for (let i = 0; i < 200 && cgroupPids(id).length < 3; i++) await sleep(10);

  const json = b.run(['ps', '--format', 'json', id]);
  t.equal(json.status, 0, json.stderr);
  const pids = JSON.parse(json.stdout) as number[];
  t.same(pids, cgroupPids(id), 'the pids of the cgroup, as the host sees them');
  t.equal(pids.length, 3);
  t.ok(pids.includes(init), 'the init is among them');
  t.same(JSON.parse(b.run(['ps', '-f', 'json', id]).stdout), pids, '-f is --format');

  const table = b.run(['ps', id]);
  t.equal(table.status, 0, table.stderr);
  const lines = table.stdout.trim().split('\n');
  t.match(lines[0], /^UID\s+PID\s+PPID/, 'the header of ps -ef');
  t.equal(lines.length, 4, 'the header and three processes');
  t.same(lines.slice(1).map((l) => Number(l.trim().split(/\s+/)[1])).sort((x, y) => x - y), pids);
  t.match(lines.slice(1).join('\n'), /sleep 1000/);

  const custom = b.run(['ps', id, '-o', 'pid,comm']);
  t.equal(custom.status, 0, custom.stderr);
  t.same(custom.stdout.trim().split('\n').map((l) => l.trim().split(/\s+/)), [['PID', 'COMMAND'], ...pids.map((p) => [String(p), p === init ? 'sh' : 'sleep'])], 'ps options after the id go to ps');
});

t.test('ps: a stopped container lists nothing; bad input', async (t) => {
  const b = makeBundle(t, baseSpec(['true']));
  const id = uniqueId('ps-stopped');
  t.equal(b.run(['run', '-d', '-b', b.dir, id]).status, 0);
  await waitForStatus(b, id, 'stopped');
  const json = b.run(['ps', '--format', 'json', id]);
  t.equal(json.status, 0, 'as runc: not an error');
  t.equal(json.stdout, '[]\n');
  const table = b.run(['ps', id]);
  t.equal(table.status, 0);
  t.match(table.stdout, /^UID\s+PID.*\n$/, 'only the header');

  const cases: [string[], RegExp][] = [
    [['ps'], /ps: missing container-id/],
    [['ps', 'no-such-container'], /container no-such-container does not exist/],
    [['ps', '--format', 'xml', id], /ps: --format must be table or json, not "xml"/],
    [['ps', '--format', 'json', id, '-o', 'pid'], /ps: ps options \(-o pid\) apply to --format table only/],
    [['ps', id, '-o', 'comm'], /ps: the output has no PID column/],
    [['ps', id, '--no-such-ps-option'], /ps --no-such-ps-option: exited with status/],
  ];
  for (const [args, message] of cases) {
    const r = b.run(args);
    t.not(r.status, 0, args.join(' '));
    t.match(r.stderr, message, args.join(' '));
  }
});

t.test('list: table, json and quiet, with the status of each container', async (t) => {
  const b = makeBundle(t, baseSpec(['sleep', '1000']));
  b.spec.annotations = { 'org.example.k': 'v' };
  b.write();
  const [created, running, paused] = [uniqueId('list-c'), uniqueId('list-r'), uniqueId('list-p')];
  t.equal(b.run(['create', '-b', b.dir, created]).status, 0);
  t.equal(b.run(['run', '-d', '-b', b.dir, running]).status, 0);
  t.equal(b.run(['run', '-d', '-b', b.dir, paused]).status, 0);
  t.equal(b.run(['pause', paused]).status, 0);
  const ids = [created, running, paused].sort();

  const json = b.run(['list', '--format', 'json']);
  t.equal(json.status, 0, json.stderr);
  const entries = JSON.parse(json.stdout) as Record<string, unknown>[];
  t.same(entries.map((e) => e.id), ids, 'every container, by id');
  for (const e of entries) {
    const st = stateOf(b, e.id as string);
    t.same(e, {
      ociVersion: '1.3.0', id: st.id, pid: st.pid, status: st.status, bundle: b.dir, rootfs: join(b.dir, 'rootfs'),
      created: st.created, owner: 'root', annotations: { 'org.example.k': 'v' },
    }, `${e.id} as state says`);
  }
  t.same(Object.fromEntries(entries.map((e) => [e.id, e.status])), { [created]: 'created', [running]: 'running', [paused]: 'paused' });

  const table = b.run(['list']);
  t.equal(table.status, 0);
  const lines = table.stdout.trim().split('\n');
  t.match(lines[0], /^ID\s+PID\s+STATUS\s+BUNDLE\s+CREATED\s+OWNER$/);
  t.same(lines.slice(1).map((l) => l.split(/\s+/)[0]), ids);
  t.match(lines.find((l) => l.startsWith(paused)), new RegExp(`^${paused}\\s+${stateOf(b, paused).pid}\\s+paused\\s+${b.dir}\\s+\\S+\\s+root$`));

  t.equal(b.run(['list', '-q']).stdout, ids.map((i) => `${i}\n`).join(''), '--quiet: the ids only');
  t.equal(b.run(['list', '--quiet', '--format', 'json']).stdout, ids.map((i) => `${i}\n`).join(''), '--quiet wins over --format');

  t.equal(b.run(['kill', running, 'KILL']).status, 0);
  await waitForStatus(b, running, 'stopped');
  const stopped = (JSON.parse(b.run(['list', '-f', 'json']).stdout) as { id: string; pid: number; status: string }[]).find((e) => e.id === running)!;
  t.equal(stopped.status, 'stopped');
  t.equal(stopped.pid, 0, 'a stopped container has pid 0, as runc lists it');
});

t.test('list: an empty or missing root lists nothing and exits 0; bad input', async (t) => {
  const root = mkdtempSync(join(tmpdir(), 'tsrun-empty-root-'));
  t.teardown(() => rmSync(root, { recursive: true, force: true }));
  const missing = join(root, 'missing');
  for (const r of [root, missing]) {
    const table = tsrun(['--root', r, 'list']);
    t.equal(table.status, 0, table.stderr);
    t.equal(table.stdout, 'ID          PID         STATUS      BUNDLE      CREATED     OWNER\n');
    const json = tsrun(['--root', r, 'list', '--format', 'json']);
    t.equal(json.status, 0);
    t.equal(json.stdout, '[]\n');
    t.equal(tsrun(['--root', r, 'list', '-q']).stdout, '');
  }
  t.notOk(existsSync(missing), 'list does not make the root');
  mkdirSync(join(root, 'half-made')); // a create that has claimed its id and not written its state yet
  t.equal(tsrun(['--root', root, 'list', '-q']).stdout, '', 'a directory without state is not a container');
  const bad = tsrun(['--root', root, 'list', '--format', 'yaml']);
  t.not(bad.status, 0);
  t.match(bad.stderr, /list: --format must be table or json, not "yaml"/);
  const extra = tsrun(['--root', root, 'list', 'some-id']);
  t.not(extra.status, 0);
  t.match(extra.stderr, /list: unexpected argument "some-id"/);
});

t.test('spec writes a config.json that runs; rootless maps the caller in a user namespace', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'tsrun-spec-'));
  t.teardown(() => rmSync(dir, { recursive: true, force: true }));
  const b = makeBundle(t); // for its rootfs and its state root, removed when the test ends
  for (const rootless of [false, true]) {
    const bundle = join(dir, rootless ? 'rootless' : 'default');
    mkdirSync(bundle);
    symlinkSync(b.rootfs, join(bundle, 'rootfs'));
    const r = tsrun(['spec', ...(rootless ? ['--rootless'] : []), '--bundle', bundle]);
    t.equal(r.status, 0, r.stderr);
    t.equal(r.stdout, '', 'nothing on stdout');
    const file = join(bundle, 'config.json');
    t.equal(statSync(file).mode & 0o777, 0o666 & ~process.umask(), 'config.json is 0666 less the umask, as runc writes it');
    const spec = JSON.parse(readFileSync(file, 'utf8'));
    t.equal(spec.process.terminal, true, 'sh on a terminal, as runc spec writes it');
    t.equal(spec.linux.namespaces.some((n: { type: string }) => n.type === 'user'), rootless);
    t.equal(spec.linux.namespaces.some((n: { type: string }) => n.type === 'network'), !rootless);

    // Run it without the terminal, printing what the container sees.
    spec.process.terminal = false;
    spec.process.args = ['sh', '-c', 'cat /proc/self/uid_map; hostname'];
    writeFileSync(file, JSON.stringify(spec));
    const run = b.run(['run', '-b', bundle, uniqueId(rootless ? 'spec-rootless' : 'spec')]);
    t.equal(run.status, 0, run.stderr);
    const [map, hostname] = run.stdout.trim().split('\n');
    t.same(map.trim().split(/\s+/), rootless ? ['0', String(process.geteuid!()), '1'] : ['0', '0', '4294967295']);
    t.equal(hostname, 'tsrun');
  }
  const again = tsrun(['spec', '-b', join(dir, 'default')]);
  t.not(again.status, 0, 'an existing config.json is not overwritten');
  t.match(again.stderr, /spec: .*config\.json exists already; remove it first/);
  const nodir = tsrun(['spec', '-b', join(dir, 'nope')]);
  t.not(nodir.status, 0);
  t.match(nodir.stderr, /spec: --bundle .*nope is not a directory/);
  const extra = tsrun(['spec', 'x']);
  t.not(extra.status, 0);
  t.match(extra.stderr, /spec: unexpected argument "x"/);
});

t.test('spec without --bundle writes into the current directory', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'tsrun-spec-cwd-'));
  t.teardown(() => rmSync(dir, { recursive: true, force: true }));
  const { spawnSync } = await import('node:child_process');
  const r = spawnSync(process.execPath, [join(__dirname, '../../dist/tsrun.js'), 'spec'], { cwd: dir, encoding: 'utf8' });
  t.equal(r.status, 0, r.stderr);
  t.ok(existsSync(join(dir, 'config.json')));
});

t.test('features prints a valid features document', async (t) => {
  const r = tsrun(['features']);
  t.equal(r.status, 0, r.stderr);
  const f = JSON.parse(r.stdout);
  t.same(validateFeatures(f), [], 'valid against the features schema');
  t.equal(f.ociVersionMin, '1.0.0');
  t.equal(f.ociVersionMax, '1.3.0');
  t.ok(f.hooks.includes('prestart') && f.hooks.includes('poststop'));
  t.ok(f.mountOptions.includes('rbind'));
  const lastCap = Number(readFileSync('/proc/sys/kernel/cap_last_cap', 'utf8'));
  t.equal(f.linux.capabilities.length, lastCap + 1, 'a name for every capability of this kernel');
  t.same(f.linux.cgroup, { v1: true, v2: true, systemd: false, systemdUser: false, rdma: false });
  t.type(f.linux.seccomp.enabled, 'boolean');
  const extra = tsrun(['features', 'x']);
  t.not(extra.status, 0);
  t.match(extra.stderr, /features: unexpected argument "x"/);
});

// The container's cgroup directory of one v1 controller, or its cgroup2 one.
function controllerDir(id: string, controller: string): string | undefined {
  return cgroupDirsOf(id).find((d) => d.includes(`/${controller}/`)) ?? cgroupDirsOf(id).find((d) => existsSync(join(d, `${controller}.max`)));
}

t.test('events --stats: cpu, memory and pids read from the container\'s cgroup', async (t) => {
  const b = makeBundle(t, baseSpec(['sh', '-c', 'sleep 1000 & sleep 1000 & wait']));
  const id = uniqueId('stats');
  t.equal(b.run(['run', '-d', '-b', b.dir, id]).status, 0);
  for (let i = 0; i < 200 && cgroupPids(id).length < 3; i++) await sleep(10);
  const r = b.run(['events', '--stats', id]);
  t.equal(r.status, 0, r.stderr);
  t.equal(r.stdout.split('\n').length, 2, 'one line');
  const ev = JSON.parse(r.stdout);
  t.equal(ev.type, 'stats');
  t.equal(ev.id, id);
  t.equal(ev.data.pids.current, 3, 'pids.current: sh and two sleeps');
  t.ok(ev.data.cpu.usage.total > 0, 'some cpu time used');
  t.ok(ev.data.memory.usage.usage > 0, 'some memory used');
  t.ok(ev.data.memory.usage.limit > 0);
  const pidsDir = controllerDir(id, 'pids');
  if (pidsDir) {
    t.equal(ev.data.pids.current, Number(readFileSync(join(pidsDir, 'pids.current'), 'utf8')), 'as pids.current says');
    writeFileSync(join(pidsDir, 'pids.max'), '50');
    t.equal(JSON.parse(b.run(['events', '--stats', id]).stdout).data.pids.limit, 50, 'the pids limit as set');
  }
  const memDir = controllerDir(id, 'memory');
  if (memDir && existsSync(join(memDir, 'memory.limit_in_bytes'))) {
    t.match(r.stdout, new RegExp(`"limit":${readFileSync(join(memDir, 'memory.limit_in_bytes'), 'utf8').trim()}[,}]`), 'the 64-bit "no limit" printed exactly');
  }
});

t.test('events: stats every interval until the container stops', async (t) => {
  const b = makeBundle(t, baseSpec(['sleep', '1000']));
  const id = uniqueId('events');
  t.equal(b.run(['run', '-d', '-b', b.dir, id]).status, 0);
  const child = spawnTsrun(b, ['events', '--interval', '100ms', id]);
  t.teardown(() => { if (child.exitCode === null) child.kill('SIGKILL'); });
  let out = '';
  child.stdout!.on('data', (d) => (out += d));
  const exited = new Promise<number | null>((r) => child.on('exit', (c) => r(c)));
  for (let i = 0; i < 300 && out.split('\n').length < 4; i++) await sleep(10);
  t.ok(out.split('\n').length >= 4, 'three stats events or more');
  t.equal(b.run(['kill', id, 'KILL']).status, 0);
  t.equal(await exited, 0, 'events ends when the container stops');
  for (const line of out.trim().split('\n')) {
    const ev = JSON.parse(line);
    t.equal(ev.type, 'stats');
    t.equal(ev.id, id);
  }
});

t.test('events: an OOM kill in the container is an oom event', async (t) => {
  const b = makeBundle(t, baseSpec(['sh', '-c', 'while [ ! -e /go ]; do sleep 0.02; done; dd if=/dev/zero of=/dev/null bs=64M count=1']));
  const id = uniqueId('oom');
  t.equal(b.run(['run', '-d', '-b', b.dir, id]).status, 0);
  const memDir = controllerDir(id, 'memory');
  if (!memDir) {
    t.pass('no memory controller for the container on this host');
    return;
  }
  // tsrun does not apply resources yet: the test sets the limit itself.
  const v1 = existsSync(join(memDir, 'memory.limit_in_bytes'));
  writeFileSync(join(memDir, v1 ? 'memory.limit_in_bytes' : 'memory.max'), String(16 << 20));
  const swap = join(memDir, v1 ? 'memory.memsw.limit_in_bytes' : 'memory.swap.max');
  if (existsSync(swap)) writeFileSync(swap, v1 ? String(16 << 20) : '0');
  // Once a first stats line shows events is watching, the container may eat memory.
  const child = spawnTsrun(b, ['events', '--interval', '100ms', id]);
  t.teardown(() => { if (child.exitCode === null) child.kill('SIGKILL'); });
  let out = '';
  let err = '';
  child.stdout!.on('data', (d) => (out += d));
  child.stderr!.on('data', (d) => (err += d));
  const exited = new Promise<number | null>((r) => child.on('exit', (c) => r(c)));
  for (let i = 0; i < 1000 && !out.includes('\n') && child.exitCode === null; i++) await sleep(10);
  writeFileSync(join(b.rootfs, 'go'), '');
  t.equal(await exited, 0, `events ends when the container stops ${err}`);
  const events = out.trim().split('\n').map((l) => JSON.parse(l));
  t.same(events.filter((e) => e.type === 'oom'), [{ type: 'oom', id }], 'one oom event');
  t.ok(events.every((e) => e.type === 'oom' || e.type === 'stats'), 'and stats events');
});

t.test('events: bad input', async (t) => {
  const b = makeBundle(t, baseSpec(['true']));
  const id = uniqueId('events-stopped');
  t.equal(b.run(['run', '-d', '-b', b.dir, id]).status, 0);
  await waitForStatus(b, id, 'stopped');
  const cases: [string[], RegExp][] = [
    [['events'], /events: missing container-id/],
    [['events', '--stats', 'no-such-container'], /container no-such-container does not exist/],
    [['events', '--stats', id], new RegExp(`cannot read events of container ${id}: it is stopped`)],
    [['events', id], new RegExp(`cannot read events of container ${id}: it is stopped`)],
    [['events', '--interval', '5', id], /events: --interval: invalid duration "5"/],
    [['events', '--interval', '0s', id], /events: --interval must be at least 1ms/],
    [['events', '--interval'], /events: --interval needs a value/],
  ];
  for (const [args, message] of cases) {
    const r = b.run(args);
    t.not(r.status, 0, args.join(' '));
    t.match(r.stderr, message, args.join(' '));
  }
});
