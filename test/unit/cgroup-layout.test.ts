// Tests for src/cgroups/layout.ts (which cgroup hierarchies the host has)
// and the pure parts of src/cgroups/manager.ts (where a container's cgroup is).

import t from 'tap';
import { detectLayout, hierarchyKey, ownCgroups } from '../../src/cgroups/layout';
import { Cgroup, resolveCgroupPath } from '../../src/cgroups/manager';
import { UserError } from '../../src/util/errors';

const ROOT_AND_PROC = [
  '22 1 8:1 / / rw,relatime shared:1 - ext4 /dev/sda1 rw',
  '23 22 0:21 / /proc rw,nosuid,nodev,noexec,relatime shared:12 - proc proc rw',
];

// Like this machine, but with cpu,cpuacct co-mounted as on most v1 hosts.
const HYBRID = [
  ...ROOT_AND_PROC,
  '25 24 0:23 / /sys/fs/cgroup ro,nosuid,nodev,noexec shared:9 - tmpfs tmpfs ro,mode=755',
  '26 25 0:24 / /sys/fs/cgroup/unified rw,nosuid,nodev,noexec,relatime shared:10 - cgroup2 cgroup2 rw,nsdelegate',
  '27 25 0:25 / /sys/fs/cgroup/systemd rw,nosuid,nodev,noexec,relatime shared:11 - cgroup cgroup rw,xattr,name=systemd',
  '28 25 0:26 / /sys/fs/cgroup/cpu,cpuacct rw,nosuid,nodev,noexec,relatime shared:13 - cgroup cgroup rw,cpu,cpuacct',
  '29 25 0:27 / /sys/fs/cgroup/cpuset rw,nosuid,nodev,noexec,relatime shared:14 - cgroup cgroup rw,cpuset,clone_children',
  '30 25 0:28 / /sys/fs/cgroup/memory rw,nosuid,nodev,noexec,relatime shared:15 - cgroup cgroup rw,memory',
  '31 25 0:29 / /sys/fs/cgroup/pids rw,nosuid,nodev,noexec,relatime shared:16 - cgroup cgroup rw,pids,release_agent=/bin/x',
  '',
].join('\n');

const UNIFIED = [
  ...ROOT_AND_PROC,
  '25 24 0:23 / /sys/fs/cgroup rw,nosuid,nodev,noexec,relatime shared:9 - cgroup2 cgroup2 rw,nsdelegate,memory_recursiveprot',
  // The same hierarchy seen again elsewhere: only the first counts.
  '40 22 0:23 / /mnt/cg rw,relatime - cgroup2 cgroup2 rw',
].join('\n');

const LEGACY = [
  ...ROOT_AND_PROC,
  '25 24 0:23 / /sys/fs/cgroup rw - tmpfs tmpfs rw,mode=755',
  '26 25 0:24 / /sys/fs/cgroup/memory rw - cgroup cgroup rw,memory',
  '27 25 0:25 / /sys/fs/cgroup/devices rw - cgroup cgroup rw,devices',
  // The memory hierarchy bind-mounted a second time: ignored.
  '41 22 0:24 /sub /mnt/memory rw - cgroup cgroup rw,memory',
].join('\n');

t.test('hybrid: v1 hierarchies in mount order, then cgroup2', async (t) => {
  const layout = detectLayout(HYBRID);
  t.equal(layout.mode, 'hybrid');
  t.same(layout.hierarchies, [
    { version: 1, mountPoint: '/sys/fs/cgroup/systemd', controllers: ['name=systemd'], root: '/' },
    { version: 1, mountPoint: '/sys/fs/cgroup/cpu,cpuacct', controllers: ['cpu', 'cpuacct'], root: '/' },
    { version: 1, mountPoint: '/sys/fs/cgroup/cpuset', controllers: ['cpuset'], root: '/' },
    { version: 1, mountPoint: '/sys/fs/cgroup/memory', controllers: ['memory'], root: '/' },
    { version: 1, mountPoint: '/sys/fs/cgroup/pids', controllers: ['pids'], root: '/' },
    { version: 2, mountPoint: '/sys/fs/cgroup/unified', controllers: [], root: '/' },
  ]);
  t.same(layout.hierarchies.map(hierarchyKey), ['name=systemd', 'cpu,cpuacct', 'cpuset', 'memory', 'pids', '']);
});

t.test('unified: one cgroup2 mount at /sys/fs/cgroup', async (t) => {
  t.same(detectLayout(UNIFIED), {
    mode: 'unified',
    hierarchies: [{ version: 2, mountPoint: '/sys/fs/cgroup', controllers: [], root: '/' }],
  });
});

t.test('legacy: v1 only, a second mount of a hierarchy ignored', async (t) => {
  t.same(detectLayout(LEGACY), {
    mode: 'legacy',
    hierarchies: [
      { version: 1, mountPoint: '/sys/fs/cgroup/memory', controllers: ['memory'], root: '/' },
      { version: 1, mountPoint: '/sys/fs/cgroup/devices', controllers: ['devices'], root: '/' },
    ],
  });
});

t.test('none: no cgroup mounts at all', async (t) => {
  t.same(detectLayout(ROOT_AND_PROC.join('\n')), { mode: 'none', hierarchies: [] });
  t.same(detectLayout(''), { mode: 'none', hierarchies: [] });
  t.same(detectLayout('garbage without a separator\n'), { mode: 'none', hierarchies: [] });
});

t.test('escaped paths and sub-roots', async (t) => {
  const layout = detectLayout([
    '26 25 0:24 /my\\040group /sys/fs/cgroup/with\\040space rw - cgroup cgroup rw,memory',
    '27 25 0:25 /docker/abc /sys/fs/cgroup/tab\\011here rw - cgroup2 cgroup2 rw',
  ].join('\n'));
  t.equal(layout.mode, 'hybrid');
  t.same(layout.hierarchies, [
    { version: 1, mountPoint: '/sys/fs/cgroup/with space', controllers: ['memory'], root: '/my group' },
    { version: 2, mountPoint: '/sys/fs/cgroup/tab\there', controllers: [], root: '/docker/abc' },
  ]);
});

t.test('ownCgroups reads /proc/self/cgroup text', async (t) => {
  const own = ownCgroups([
    '12:cpu,cpuacct:/user.slice',
    '11:name=systemd:/user.slice/session-1.scope',
    '4:memory:/process_api/c912',
    '0::/a:b/c',
    '',
  ].join('\n'));
  t.same([...own], [
    ['cpu,cpuacct', '/user.slice'],
    ['name=systemd', '/user.slice/session-1.scope'],
    ['memory', '/process_api/c912'],
    ['', '/a:b/c'],
  ]);
  t.same([...ownCgroups('')], []);
});

t.test('resolveCgroupPath', async (t) => {
  const layout = detectLayout(HYBRID);

  t.test('absent or empty: /tsrun/<id>', async (t) => {
    t.equal(resolveCgroupPath(layout, undefined, 'c1'), '/tsrun/c1');
    t.equal(resolveCgroupPath(layout, '', 'c1'), '/tsrun/c1');
  });

  t.test('absolute: normalized', async (t) => {
    t.equal(resolveCgroupPath(layout, '/a/b', 'c1'), '/a/b');
    t.equal(resolveCgroupPath(layout, '/a//b/./c/../d', 'c1'), '/a/b/d');
  });

  t.test('the root cgroup is refused', async (t) => {
    for (const p of ['/', '//', '/a/..', '/..']) {
      let err: unknown;
      try {
        resolveCgroupPath(layout, p, 'c1');
      } catch (e) {
        err = e;
      }
      t.ok(err instanceof UserError, `${p}: a UserError`);
      t.equal((err as Error | undefined)?.message, 'linux.cgroupsPath: must not be the root cgroup', p);
    }
  });

  t.test('relative: joined onto tsrun\'s own cgroup', async (t) => {
    // The base comes from the real /proc/self/cgroup; only the end is known.
    const p = resolveCgroupPath(layout, 'pods/c1', 'c1');
    t.ok(p.startsWith('/'), p);
    t.ok(p.endsWith('/pods/c1'), p);
  });

  // A relative path that climbs out of tsrun's own cgroup reaches the root
  // cgroup, which the absolute form refuses ("everyone's cgroup").
  t.test('a relative path that resolves to the root is refused too', async (t) => {
    let err: unknown;
    try {
      resolveCgroupPath(layout, '../../../../../../../..', 'c1');
    } catch (e) {
      err = e;
    }
    t.ok(err instanceof UserError, 'a UserError');
  });
});

t.test('Cgroup.dir', async (t) => {
  t.test('a hierarchy mounted at its root', async (t) => {
    const layout = detectLayout(HYBRID);
    const cg = new Cgroup(layout, '/tsrun/c1');
    t.same(cg.dirs(), [
      '/sys/fs/cgroup/systemd/tsrun/c1',
      '/sys/fs/cgroup/cpu,cpuacct/tsrun/c1',
      '/sys/fs/cgroup/cpuset/tsrun/c1',
      '/sys/fs/cgroup/memory/tsrun/c1',
      '/sys/fs/cgroup/pids/tsrun/c1',
      '/sys/fs/cgroup/unified/tsrun/c1',
    ]);
  });

  t.test('a hierarchy mounted at a sub-root shows paths relative to it', async (t) => {
    const layout = detectLayout('26 25 0:24 /docker/abc /sys/fs/cgroup/memory rw - cgroup cgroup rw,memory\n');
    const h = layout.hierarchies[0];
    t.equal(new Cgroup(layout, '/docker/abc/tsrun/c1').dir(h), '/sys/fs/cgroup/memory/tsrun/c1');
    t.equal(new Cgroup(layout, '/docker/abcdef/c1').dir(h), '/sys/fs/cgroup/memory/docker/abcdef/c1', 'a sibling with the same prefix is not under it');
    t.equal(new Cgroup(layout, '/other/c1').dir(h), '/sys/fs/cgroup/memory/other/c1');
  });
});
