// update: a running container's cgroup values changed, read back from the
// host, from inside (exec) and from `events --stats`; the state record
// keeps them; bad input and stopped containers refused. Runs on this host
// and in the cgroup-v2 guest (npm run test:cgroup-v2).
import t, { type Test } from 'tap';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { baseSpec, uniqueId, waitForStatus, type Bundle } from '../lib/tsrun';
import { V2, insidePath, makeCgBundle, readCg, withCgroupMount } from '../lib/cgroups';
import type { Resources } from '../../src/cgroups/resources';

const MiB = 1 << 20;

function running(t: Test, res: Resources): { b: Bundle; id: string } {
  const spec = withCgroupMount(baseSpec(['sleep', '1000']));
  spec.linux!.resources = res as Record<string, unknown>;
  const b = makeCgBundle(t, spec);
  const id = uniqueId('upd');
  const r = b.run(['run', '-d', '-b', b.dir, id]);
  t.equal(r.status, 0, `run: ${r.stderr}`);
  return { b, id };
}

const stored = (b: Bundle, id: string) => JSON.parse(readFileSync(join(b.root, id, 'state.json'), 'utf8')).spec.linux.resources;
const inside = (b: Bundle, id: string, controller: string, file: string) => b.run(['exec', id, 'cat', insidePath(controller, file)]).stdout.trim();

const memFile = V2 ? 'memory.max' : 'memory.limit_in_bytes';
const swapFile = V2 ? 'memory.swap.max' : 'memory.memsw.limit_in_bytes';
// memory+swap as runtime-spec counts it, from the host's files.
const swapValue = (id: string) => (V2 ? String(Number(readCg(id, 'memory', swapFile)) + Number(readCg(id, 'memory', memFile))) : readCg(id, 'memory', swapFile));

t.test('update --resources - with dockerd\'s JSON: zeros leave values as they are', async (t) => {
  const { b, id } = running(t, { memory: { limit: 64 * MiB, swap: 64 * MiB }, cpu: { shares: 512 } });
  const json = { memory: { limit: 128 * MiB, reservation: 0, swap: 256 * MiB, kernel: 0 }, cpu: { shares: 0, quota: 0, period: 0 }, blockIO: { weight: 0 } };
  const r = b.run(['update', '--resources', '-', id], { input: JSON.stringify(json) });
  t.equal(r.status, 0, r.stderr);
  t.equal(readCg(id, 'memory', memFile), String(128 * MiB), 'memory raised');
  t.equal(swapValue(id), String(256 * MiB), 'memory+swap raised (written first)');
  t.equal(readCg(id, 'cpu', V2 ? 'cpu.weight' : 'cpu.shares'), V2 ? '59' : '512', 'cpu shares untouched');
  t.equal(inside(b, id, 'memory', memFile), String(128 * MiB), 'inside: the new limit');
  t.same(stored(b, id), { memory: { limit: 128 * MiB, swap: 256 * MiB }, cpu: { shares: 512 } }, 'the state record has the merged resources');
  const events = b.run(['events', '--stats', id]);
  t.equal(events.status, 0, events.stderr);
  t.equal(JSON.parse(events.stdout).data.memory.usage.limit, 128 * MiB, 'events --stats sees the new limit');
});

t.test('update with flags: lower memory and swap, cpu, cpuset, pids', async (t) => {
  const { b, id } = running(t, { memory: { limit: 128 * MiB, swap: 256 * MiB } });
  const r = b.run(['update', '--memory', '32m', '--memory-swap', '48m', '--cpu-share', '2048', '--cpu-quota', '20000', '--cpu-period', '100000',
    '--cpuset-cpus', '0', '--pids-limit', '3', id]);
  t.equal(r.status, 0, r.stderr);
  t.equal(readCg(id, 'memory', memFile), String(32 * MiB), 'memory lowered (written first)');
  t.equal(swapValue(id), String(48 * MiB));
  if (V2) {
    t.equal(readCg(id, 'cpu', 'cpu.weight'), '174');
    t.equal(readCg(id, 'cpu', 'cpu.max'), '20000 100000');
  } else {
    t.equal(readCg(id, 'cpu', 'cpu.shares'), '2048');
    t.equal(readCg(id, 'cpu', 'cpu.cfs_quota_us'), '20000');
    t.equal(readCg(id, 'cpu', 'cpu.cfs_period_us'), '100000');
  }
  t.equal(readCg(id, 'cpuset', 'cpuset.cpus'), '0');
  t.equal(readCg(id, 'pids', 'pids.max'), '3');
  // The new pids limit is enforced: the container has 1 task, exec adds one, its shell 3 more.
  const forks = b.run(['exec', id, 'sh', '-c', 'sleep 5 & sleep 5 & sleep 5 & wait']);
  t.match(forks.stderr, /can't fork/, 'forks past pids.max refused');
  // --cpu-period alone keeps the quota (it is merged with the stored one).
  t.equal(b.run(['update', '--cpu-period', '50000', id]).status, 0);
  t.equal(readCg(id, 'cpu', V2 ? 'cpu.max' : 'cpu.cfs_quota_us'), V2 ? '20000 50000' : '20000');
  t.same(stored(b, id).pids, { limit: 3 });
  t.same(stored(b, id).cpu, { shares: 2048, quota: 20000, period: 50000, cpus: '0' });
  // -1: no limit, for memory and memory+swap both.
  t.equal(b.run(['update', '--memory', '-1', id]).status, 0);
  t.equal(readCg(id, 'memory', memFile), V2 ? 'max' : '9223372036854771712');
});

t.test('a paused container can be updated', async (t) => {
  const { b, id } = running(t, { pids: { limit: 10 } });
  t.equal(b.run(['pause', id]).status, 0);
  await waitForStatus(b, id, 'paused');
  t.equal(b.run(['update', '--pids-limit', '20', id]).status, 0);
  t.equal(readCg(id, 'pids', 'pids.max'), '20');
  t.equal(b.run(['resume', id]).status, 0);
});

t.test('update: bad input and stopped containers are refused, the record unchanged', async (t) => {
  const { b, id } = running(t, { memory: { limit: 64 * MiB, swap: 64 * MiB } });
  const cases: [string[], string | undefined, RegExp][] = [
    [['update', '--bogus', '1', id], undefined, /update: unknown option --bogus/],
    [['update', '--memory', 'lots', id], undefined, /update: --memory: not a size: "lots"/],
    [['update', '--cpu-quota', '1.5', id], undefined, /update: --cpu-quota: expected an integer/],
    [['update', '--blkio-weight', '5', id], undefined, /update: --blkio-weight: must be 10 to 1000/],
    [['update', '-r', '-', id], '{"memory":', /update: --resources \(stdin\): not valid JSON/],
    [['update', '-r', '-', id], '{"memory":{"limit":"64m"}}', /update: bad resources: memory\.limit: must be an integer/],
    [['update', '-r', '-', id], '[1]', /update: the resources must be a JSON object/],
    [['update', '-r', join(b.dir, 'nope.json'), id], undefined, /update: cannot read --resources/],
    [['update', '--memory', '128m', id], undefined, /linux\.resources\.memory\.swap: memory plus swap \(67108864\) must not be less than the memory limit \(134217728\)/],
    [['update', '--memory', '64m', 'no-such-ctr'], undefined, /container no-such-ctr does not exist/],
  ];
  if (!V2) cases.push([['update', '--memory', '4k', '--memory-swap', '4k', id], undefined, /linux\.resources\.memory\.limit: cannot write "4096" to \S+: device or resource busy \(the container uses more memory than that\)/]);
  for (const [args, input, want] of cases) {
    const r = b.run(args, { input });
    t.not(r.status, 0, args.join(' '));
    t.match(r.stderr, want);
  }
  t.same(stored(b, id), { memory: { limit: 64 * MiB, swap: 64 * MiB } }, 'no failed update changed the record');
  t.equal(readCg(id, 'memory', memFile), String(64 * MiB));
  t.equal(b.run(['kill', id, 'KILL']).status, 0);
  await waitForStatus(b, id, 'stopped');
  const r = b.run(['update', '--memory', '32m', id]);
  t.not(r.status, 0);
  t.match(r.stderr, new RegExp(`cannot update container ${id}: it is stopped`));
});
