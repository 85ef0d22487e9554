// Tests for src/cgroups/stats.ts: parsing the cgroup files and assembling the
// stats of runc's events, on directories of plain files shaped like v1 and v2 cgroups.
import t from 'tap';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { oomCount, parseBlkioV1, parseFlatKeyed, parseIoStat, parseNum, parseUsageAll, readStats, statsJson } from '../../src/cgroups/stats';

function tree(t: { teardown(fn: () => void): void }, files: Record<string, string>): string {
  const top = mkdtempSync(join(tmpdir(), 'tsrun-stats-'));
  t.teardown(() => rmSync(top, { recursive: true, force: true }));
  for (const [path, text] of Object.entries(files)) {
    mkdirSync(join(top, path, '..'), { recursive: true });
    writeFileSync(join(top, path), text);
  }
  return top;
}

t.test('numbers: exact past 2^53, printed as JSON integers', async (t) => {
  t.equal(parseNum('42'), 42);
  t.equal(parseNum('9223372036854771712'), 9223372036854771712n);
  t.equal(parseNum('max'), undefined);
  t.equal(parseNum(''), undefined);
  t.equal(statsJson({ a: 9223372036854771712n, b: [1, 18446744073709551615n], c: 'x' }), '{"a":9223372036854771712,"b":[1,18446744073709551615],"c":"x"}');
});

t.test('flat keyed, blkio, io.stat and usage_all parsers', async (t) => {
  t.same(parseFlatKeyed('usage_usec 2395\nuser_usec 2000\nbad line here\nx notanumber\n'), { usage_usec: 2395, user_usec: 2000 });
  t.same(parseBlkioV1('8:0 Read 4096\n8:0 Write 0\n8:16 Total 4096\nTotal 8192\n'), [
    { major: 8, minor: 0, op: 'Read', value: 4096 },
    { major: 8, minor: 0, op: 'Write', value: 0 },
    { major: 8, minor: 16, op: 'Total', value: 4096 },
  ]);
  const io = parseIoStat('254:0 rbytes=10 wbytes=20 rios=1 wios=2 dbytes=0 dios=0\n');
  t.same(io.bytes.map((e) => [e.op, e.value]), [['Read', 10], ['Write', 20], ['Discard', 0]]);
  t.same(io.ios.map((e) => [e.major, e.minor, e.op, e.value]), [[254, 0, 'Read', 1], [254, 0, 'Write', 2], [254, 0, 'Discard', 0]]);
  t.same(parseUsageAll('cpu user system\n0 10 20\n1 30 40\n'), { user: [10, 30], kernel: [20, 40] });
  t.equal(parseUsageAll(''), undefined);
});

t.test('v1: cpuacct, cpu, memory (with memsw and kmem), pids, blkio', async (t) => {
  const top = tree(t, {
    'cpuacct/cpuacct.usage': '2395622\n',
    'cpuacct/cpuacct.usage_percpu': '1680102 715520 \n',
    'cpuacct/cpuacct.usage_all': 'cpu user system\n0 100 200\n1 300 400\n',
    'cpuacct/cpuacct.stat': 'user 3\nsystem 1\n',
    'cpu/cpu.stat': 'nr_periods 5\nnr_throttled 2\nthrottled_time 777\n',
    'memory/memory.usage_in_bytes': '430080\n',
    'memory/memory.limit_in_bytes': '9223372036854771712\n',
    'memory/memory.max_usage_in_bytes': '2510848\n',
    'memory/memory.failcnt': '0\n',
    'memory/memory.memsw.usage_in_bytes': '430080\n',
    'memory/memory.memsw.limit_in_bytes': '67108864\n',
    'memory/memory.kmem.usage_in_bytes': '327680\n',
    'memory/memory.stat': 'cache 4096\nrss 102400\n',
    'memory/memory.oom_control': 'oom_kill_disable 0\nunder_oom 0\noom_kill 2\n',
    'pids/pids.current': '3\n',
    'pids/pids.max': 'max\n',
    'blkio/blkio.throttle.io_service_bytes_recursive': '8:0 Read 4096\nTotal 4096\n',
    'blkio/blkio.throttle.io_serviced_recursive': '8:0 Read 1\nTotal 1\n',
  });
  const src = {
    cpuacct: { version: 1 as const, dir: join(top, 'cpuacct') },
    cpu: { version: 1 as const, dir: join(top, 'cpu') },
    memory: { version: 1 as const, dir: join(top, 'memory') },
    pids: { version: 1 as const, dir: join(top, 'pids') },
    blkio: { version: 1 as const, dir: join(top, 'blkio') },
  };
  const s = readStats(src);
  t.same(s.cpu, {
    usage: { total: 2395622, percpu: [1680102, 715520], percpu_kernel: [200, 400], percpu_user: [100, 300], kernel: 10_000_000, user: 30_000_000 },
    throttling: { periods: 5, throttled_periods: 2, throttled_time: 777 },
  });
  t.same(s.memory, {
    cache: 4096,
    usage: { usage: 430080, max: 2510848, limit: 9223372036854771712n, failcnt: 0 },
    swap: { usage: 430080, max: undefined, limit: 67108864, failcnt: undefined },
    kernel: { usage: 327680, max: undefined, limit: undefined, failcnt: undefined },
    raw: { cache: 4096, rss: 102400 },
  });
  t.same(s.pids, { current: 3, limit: 0 }, 'no pids limit is 0, as runc says');
  t.same(s.blkio, { ioServiceBytesRecursive: [{ major: 8, minor: 0, op: 'Read', value: 4096 }], ioServicedRecursive: [{ major: 8, minor: 0, op: 'Read', value: 1 }] });
  t.equal(oomCount(src), 2);
  t.match(statsJson(s), /"limit":9223372036854771712,/, 'the v1 "no limit" value is exact');
});

t.test('v2: cpu.stat, memory with swap, pids, io, hugetlb', async (t) => {
  const top = tree(t, {
    'cpu.stat': 'usage_usec 2395\nuser_usec 2000\nsystem_usec 395\nnr_periods 4\nnr_throttled 1\nthrottled_usec 5\n',
    'memory.current': '1048576\n',
    'memory.max': '67108864\n',
    'memory.peak': '2097152\n',
    'memory.events': 'low 0\nhigh 0\nmax 7\noom 1\noom_kill 1\n',
    'memory.swap.current': '4096\n',
    'memory.swap.max': 'max\n',
    'memory.stat': 'anon 8192\nfile 65536\n',
    'pids.current': '2\n',
    'pids.max': '100\n',
    'io.stat': '8:0 rbytes=10 wbytes=20 rios=1 wios=2 dbytes=0 dios=0\n',
    'hugetlb.2MB.current': '0\n',
    'hugetlb.2MB.max': 'max\n',
    'hugetlb.2MB.events': 'max 0\n',
  });
  const v2 = { version: 2 as const, dir: top };
  const src = { cpuacct: v2, cpu: v2, memory: v2, pids: v2, blkio: v2, hugetlb: v2 };
  const s = readStats(src);
  t.same(s.cpu, { usage: { total: 2395000, kernel: 395000, user: 2000000 }, throttling: { periods: 4, throttled_periods: 1, throttled_time: 5000 } });
  t.same(s.memory!.usage, { usage: 1048576, limit: 67108864, max: 2097152, failcnt: 7 });
  t.same(s.memory!.swap, { usage: 1048576 + 4096, limit: 18446744073709551615n, max: undefined, failcnt: undefined }, 'swap is memory plus swap, as v1 memsw');
  t.equal(s.memory!.cache, 65536);
  t.same(s.pids, { current: 2, limit: 100 });
  t.equal(s.blkio!.ioServiceBytesRecursive!.length, 3);
  t.same(s.hugetlb, { '2MB': { usage: 0, limit: 18446744073709551615n, failcnt: 0 } });
  t.equal(oomCount(src), 1);
});

t.test('a controller that is not there is left out', async (t) => {
  t.same(readStats({}), {});
  const top = tree(t, { 'x/placeholder': '' });
  t.same(readStats({ memory: { version: 1, dir: join(top, 'x') }, pids: { version: 2, dir: join(top, 'x') } }), {});
  t.equal(oomCount({ memory: { version: 2, dir: join(top, 'x') } }), undefined);
});
