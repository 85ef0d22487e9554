// Tests for src/cgroups/freezer.ts: which freezer a host has, and reading and
// writing its files (plain files in a temporary directory stand in for them).
import t from 'tap';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { eventsFrozen, findFreezer, freeze, freezerState, isPaused, thaw } from '../../src/cgroups/freezer';
import type { CgroupLayout } from '../../src/cgroups/layout';

const HYBRID: CgroupLayout = {
  mode: 'hybrid',
  hierarchies: [
    { version: 1, mountPoint: '/sys/fs/cgroup/memory', controllers: ['memory'], root: '/' },
    { version: 1, mountPoint: '/sys/fs/cgroup/freezer', controllers: ['freezer'], root: '/' },
    { version: 2, mountPoint: '/sys/fs/cgroup/unified', controllers: [], root: '/' },
  ],
};
const UNIFIED: CgroupLayout = { mode: 'unified', hierarchies: [{ version: 2, mountPoint: '/sys/fs/cgroup', controllers: [], root: '/' }] };

t.test('findFreezer: the v1 freezer when mounted, else cgroup2, else none', async (t) => {
  t.same(findFreezer(HYBRID, '/tsrun/a'), { version: 1, dir: '/sys/fs/cgroup/freezer/tsrun/a' });
  t.same(findFreezer(UNIFIED, '/tsrun/a'), { version: 2, dir: '/sys/fs/cgroup/tsrun/a' });
  const noFreezer: CgroupLayout = { mode: 'hybrid', hierarchies: [HYBRID.hierarchies[0], HYBRID.hierarchies[2]] };
  t.same(findFreezer(noFreezer, '/x'), { version: 2, dir: '/sys/fs/cgroup/unified/x' }, 'hybrid without a v1 freezer: cgroup2');
  const legacy: CgroupLayout = { mode: 'legacy', hierarchies: [HYBRID.hierarchies[0]] };
  t.equal(findFreezer(legacy, '/x'), undefined, 'legacy without a freezer hierarchy');
});

t.test('eventsFrozen reads the frozen key of cgroup.events', async (t) => {
  t.ok(eventsFrozen('populated 1\nfrozen 1\n'));
  t.notOk(eventsFrozen('populated 1\nfrozen 0\n'));
  t.notOk(eventsFrozen('populated 1\n'));
});

function tempDir(t: { teardown(fn: () => void): void }): string {
  const d = mkdtempSync(join(tmpdir(), 'tsrun-freezer-'));
  t.teardown(() => rmSync(d, { recursive: true, force: true }));
  return d;
}

t.test('v1: freezer.state', async (t) => {
  const dir = tempDir(t);
  const f = { version: 1 as const, dir };
  t.equal(freezerState(f), undefined, 'no file: not a freezer state');
  writeFileSync(join(dir, 'freezer.state'), 'THAWED\n');
  t.equal(freezerState(f), 'thawed');
  writeFileSync(join(dir, 'freezer.state'), 'FREEZING\n');
  t.equal(freezerState(f), 'freezing');
  // A plain file reads back what was written, as a freezer that froze at once.
  freeze(f);
  t.equal(readFileSync(join(dir, 'freezer.state'), 'utf8'), 'FROZEN');
  t.equal(freezerState(f), 'frozen');
  thaw(f);
  t.equal(readFileSync(join(dir, 'freezer.state'), 'utf8'), 'THAWED');
});

t.test('v2: cgroup.freeze and cgroup.events', async (t) => {
  const dir = tempDir(t);
  const f = { version: 2 as const, dir };
  writeFileSync(join(dir, 'cgroup.freeze'), '0\n');
  writeFileSync(join(dir, 'cgroup.events'), 'populated 1\nfrozen 0\n');
  t.equal(freezerState(f), 'thawed');
  writeFileSync(join(dir, 'cgroup.freeze'), '1\n');
  t.equal(freezerState(f), 'freezing', 'asked for, not done yet');
  writeFileSync(join(dir, 'cgroup.events'), 'populated 1\nfrozen 1\n');
  t.equal(freezerState(f), 'frozen');

  // Never reported frozen: freeze gives up, says so, and thaws again.
  writeFileSync(join(dir, 'cgroup.freeze'), '0\n');
  writeFileSync(join(dir, 'cgroup.events'), 'populated 1\nfrozen 0\n');
  t.throws(() => freeze(f, 50), /did not freeze within 50 ms/);
  t.equal(readFileSync(join(dir, 'cgroup.freeze'), 'utf8'), '0', 'thawed after the failed attempt');
});

t.test('freeze of a missing cgroup names the file', async (t) => {
  t.throws(() => freeze({ version: 1, dir: '/nonexistent/tsrun/x' }), /\/nonexistent\/tsrun\/x\/freezer\.state does not exist/);
});

t.test('isPaused: frozen or freezing counts, a missing cgroup does not', async (t) => {
  const root = tempDir(t);
  const layout: CgroupLayout = { mode: 'legacy', hierarchies: [{ version: 1, mountPoint: root, controllers: ['freezer'], root: '/' }] };
  t.notOk(isPaused('/c', layout));
  mkdirSync(join(root, 'c'));
  writeFileSync(join(root, 'c', 'freezer.state'), 'FROZEN\n');
  t.ok(isPaused('/c', layout));
  writeFileSync(join(root, 'c', 'freezer.state'), 'FREEZING\n');
  t.ok(isPaused('/c', layout));
  writeFileSync(join(root, 'c', 'freezer.state'), 'THAWED\n');
  t.notOk(isPaused('/c', layout));
});
