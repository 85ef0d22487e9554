// The operational commands engines call besides the lifecycle: pause and
// resume, ps, list, events, and the documents spec and features print.
// Real containers; every test removes what it made (makeBundle's teardown).
import t from 'tap';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { baseSpec, cgroupDirsOf, makeBundle, uniqueId, waitForStatus, type Bundle } from '../lib/tsrun';

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
  await sleep(100); // let the shell set its trap
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
