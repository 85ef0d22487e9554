// linux.cgroupsPath: where the container's cgroup goes, and that delete
// leaves no directory tsrun made, parents included. Runs on this host and in
// the cgroup-v2 guest (npm run test:cgroup-v2).
import t from 'tap';
import { existsSync, mkdirSync, rmdirSync } from 'node:fs';
import { join } from 'node:path';
import { baseSpec, uniqueId } from '../lib/tsrun';
import { LAYOUT, makeCgBundle } from '../lib/cgroups';
import { ownCgroups, hierarchyKey } from '../../src/cgroups/layout';

const mounts = LAYOUT.hierarchies.map((h) => h.mountPoint);

t.test('an absolute path with new parents: all of it is removed at delete', async (t) => {
  const top = uniqueId('cgp');
  const b = makeCgBundle(t, baseSpec(['sleep', '1000']));
  b.spec.linux!.cgroupsPath = `/${top}/middle/leaf`;
  b.write();
  t.teardown(() => { for (const m of mounts) for (const d of ['middle/leaf', 'middle', '']) try { rmdirSync(join(m, top, d)); } catch { /* gone */ } });
  const id = uniqueId('cgp');
  t.equal(b.run(['run', '-d', '-b', b.dir, id]).status, 0);
  for (const m of mounts) t.ok(existsSync(join(m, top, 'middle/leaf')), `made in ${m}`);
  t.equal(b.run(['delete', '--force', id]).status, 0);
  for (const m of mounts) t.notOk(existsSync(join(m, top)), `nothing left in ${m}`);
});

// Only the container that made a parent removes it, when empty: here the
// first one made "mine" and the second still used it.
t.test('a parent that was there before is kept, and one another container uses', async (t) => {
  const top = uniqueId('cgq');
  for (const m of mounts) mkdirSync(join(m, top));
  t.teardown(() => { for (const m of mounts) for (const d of ['mine/a', 'mine/b', 'mine', '']) try { rmdirSync(join(m, top, d)); } catch { /* gone */ } });
  const b = makeCgBundle(t, baseSpec(['sleep', '1000']));
  const [a, c] = [uniqueId('cgq-a'), uniqueId('cgq-b')];
  b.spec.linux!.cgroupsPath = `/${top}/mine/a`;
  b.write();
  t.equal(b.run(['run', '-d', '-b', b.dir, a]).status, 0);
  b.spec.linux!.cgroupsPath = `/${top}/mine/b`;
  b.write();
  t.equal(b.run(['run', '-d', '-b', b.dir, c]).status, 0);
  t.equal(b.run(['delete', '--force', a]).status, 0);
  for (const m of mounts) t.ok(existsSync(join(m, top, 'mine', 'b')), `the other container's parent stays in ${m}`);
  t.equal(b.run(['delete', '--force', c]).status, 0);
  for (const m of mounts) t.ok(existsSync(join(m, top)), `${m}: the parent made before tsrun is kept`);
});

t.test('a relative path goes under tsrun\'s own cgroup', async (t) => {
  const b = makeCgBundle(t, baseSpec(['sleep', '1000']));
  const rel = uniqueId('cgr');
  b.spec.linux!.cgroupsPath = `${rel}/leaf`;
  b.write();
  const id = uniqueId('cgr');
  t.equal(b.run(['run', '-d', '-b', b.dir, id]).status, 0);
  const own = ownCgroups();
  const first = LAYOUT.hierarchies[0];
  const under = join(first.mountPoint, own.get(hierarchyKey(first)) ?? '/', rel, 'leaf');
  t.ok(existsSync(under), `at ${under}`);
  t.equal(b.run(['delete', '--force', id]).status, 0);
  t.notOk(existsSync(join(under, '..')), 'the parent tsrun made is gone');
});

// A container may make cgroups below its own (with its own cgroup namespace
// and a writable cgroup mount); delete removes them, deepest first.
t.test('cgroups made below the container\'s are removed at delete', async (t) => {
  const top = uniqueId('cgs');
  const b = makeCgBundle(t, baseSpec(['sleep', '1000']));
  b.spec.linux!.cgroupsPath = `/${top}`;
  b.write();
  t.teardown(() => { for (const m of mounts) for (const d of ['a/b', 'a', 'c', '']) try { rmdirSync(join(m, top, d)); } catch { /* gone */ } });
  const id = uniqueId('cgs');
  t.equal(b.run(['run', '-d', '-b', b.dir, id]).status, 0);
  for (const m of mounts) for (const d of ['a', 'a/b', 'c']) mkdirSync(join(m, top, d));
  t.equal(b.run(['delete', '--force', id]).status, 0);
  for (const m of mounts) t.notOk(existsSync(join(m, top)), `nothing left in ${m}`);
});

// The init and exec's process are cloned into the cgroup2 directory, which
// the kernel refuses (with nsdelegate, as in the cgroup-v2 guest) from
// inside a cgroup namespace that does not hold the helper's own cgroup: the
// cgroup namespace is joined after the clone.
t.test('exec into a cgroup namespace, and a container joining one by path', async (t) => {
  const spec = baseSpec(['sleep', '1000']);
  spec.linux!.namespaces!.push({ type: 'cgroup' });
  const b = makeCgBundle(t, spec);
  const id = uniqueId('cgns-exec');
  t.equal(b.run(['run', '-d', '-b', b.dir, id]).status, 0);
  const r = b.run(['exec', id, 'cat', '/proc/self/cgroup']);
  t.equal(r.status, 0, r.stderr);
  for (const line of r.stdout.trim().split('\n')) t.match(line, /:\/$/, `exec: ${line}`);
  const pid = JSON.parse(b.run(['state', id]).stdout).pid as number;
  const joiner = baseSpec(['cat', '/proc/self/cgroup']);
  joiner.linux!.namespaces!.push({ type: 'cgroup', path: `/proc/${pid}/ns/cgroup` });
  const c = makeCgBundle(t, joiner);
  const j = c.run(['run', '-b', c.dir, uniqueId('cgns-join')]);
  t.equal(j.status, 0, j.stderr);
  t.match(j.stdout, /:\/\.\.\//, 'its own cgroup, seen from the other container\'s namespace');
});
