// Tests for update's pure parts: merging a patch into the stored resources
// with runc's zero-means-unchanged rules, and the per-resource flags.
import t from 'tap';
import { mergeUpdate } from '../../src/container/update';
import { parseBytes, resourcesFromFlags } from '../../src/cli/commands/update';
import { parseArgs } from '../../src/cli/args';

t.test('dockerd\'s update JSON: zeros change nothing, the rest is merged', async (t) => {
  const old = { memory: { limit: 64, swap: 64 }, cpu: { shares: 512, quota: 1000 }, devices: [{ allow: false }], pids: { limit: 9 } };
  const patch = { memory: { limit: 128, reservation: 0, swap: 256, kernel: 0 }, cpu: { shares: 0, quota: 0, period: 0 }, blockIO: { weight: 0 } };
  const { merged, apply, ignored } = mergeUpdate(old, patch);
  t.same(merged, { memory: { limit: 128, swap: 256 }, cpu: { shares: 512, quota: 1000 }, devices: [{ allow: false }], pids: { limit: 9 } });
  t.same(apply, { memory: { limit: 128, swap: 256 }, cpu: { shares: 512, quota: 1000 }, pids: { limit: 9 } }, 'update\'s own fields, no device rules');
  t.same(ignored, []);
  t.same(old.memory, { limit: 64, swap: 64 }, 'the old resources are not changed');
});

t.test('fields update does not change are reported; pids 0, burst 0 and unified are set', async (t) => {
  const { merged, apply, ignored } = mergeUpdate({ unified: { 'memory.high': '1' } }, {
    devices: [], hugepageLimits: [], memory: { swappiness: 3, checkBeforeUpdate: true, limit: 5 }, blockIO: { throttleReadBpsDevice: [] },
    pids: { limit: 0 }, cpu: { burst: 0, cpus: '' }, unified: { 'pids.max': '4' },
  });
  t.same(ignored, ['linux.resources.devices', 'linux.resources.hugepageLimits', 'linux.resources.memory.swappiness', 'linux.resources.blockIO.throttleReadBpsDevice']);
  t.same(merged, { unified: { 'memory.high': '1', 'pids.max': '4' }, memory: { limit: 5 }, pids: { limit: 0 }, cpu: { burst: 0 } }, 'checkBeforeUpdate is not stored');
  t.same(apply, { memory: { limit: 5, checkBeforeUpdate: true }, cpu: { burst: 0 }, pids: { limit: 0 }, unified: { 'memory.high': '1', 'pids.max': '4' } });
});

t.test('sizes as runc reads them', async (t) => {
  t.equal(parseBytes('memory', '1024'), 1024);
  t.equal(parseBytes('memory', '64m'), 64 << 20);
  t.equal(parseBytes('memory', '64MiB'), 64 << 20);
  t.equal(parseBytes('memory', '1.5g'), 1.5 * (1 << 30));
  t.equal(parseBytes('memory', '2 KB'), 2048);
  t.equal(parseBytes('memory-swap', '-1'), -1);
  t.throws(() => parseBytes('memory', '-5'), /--memory: not a size: "-5"/);
  t.throws(() => parseBytes('memory', '12x'), /not a size/);
});

t.test('per-resource flags become a resources patch', async (t) => {
  const a = parseArgs(['update', '--memory', '1g', '--memory-swap', '-1', '--cpu-shares', '100', '--cpu-quota', '-1', '--cpuset-mems', '0',
    '--pids-limit', '-1', '--blkio-weight', '500', '--cpu-rt-runtime', '950000', 'ctr']);
  t.same(a.positionals, ['ctr']);
  t.same(resourcesFromFlags(a.options), {
    memory: { limit: 1 << 30, swap: -1 }, cpu: { shares: 100, quota: -1, realtimeRuntime: 950000, mems: '0' }, pids: { limit: -1 }, blockIO: { weight: 500 },
  });
  t.same(resourcesFromFlags(parseArgs(['update', 'ctr']).options), {}, 'no flags: nothing');
  t.throws(() => resourcesFromFlags(parseArgs(['update', '--cpu-period', '-3', 'x']).options), /--cpu-period: expected a whole number/);
  t.throws(() => resourcesFromFlags(parseArgs(['update', '--l3-cache-schema', 'L3:0=f', 'x']).options), /Intel RDT is not supported/);
  t.throws(() => parseArgs(['update', '--memroy', '1', 'x']), /update: unknown option --memroy/);
});

t.test('unlimited memory without a swap value: unlimited swap too', async (t) => {
  t.same(mergeUpdate({ memory: { limit: 5, swap: 10 } }, { memory: { limit: -1 } }).merged, { memory: { limit: -1, swap: -1 } });
  t.same(mergeUpdate({ memory: { limit: 5, swap: 10 } }, { memory: { limit: -1, swap: 0 } }).merged, { memory: { limit: -1, swap: -1 } });
  t.same(mergeUpdate({ memory: { limit: 5 } }, { memory: { limit: -1 } }).merged, { memory: { limit: -1 } }, 'no stored swap: nothing to lift');
  t.same(mergeUpdate({ memory: { limit: 5, swap: 10 } }, { memory: { limit: -1, swap: 20 } }).merged, { memory: { limit: -1, swap: 20 } });
});
