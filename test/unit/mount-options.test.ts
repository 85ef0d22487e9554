// Tests for src/plan/mount-options.ts: mount options split as mount(8) does.

import t from 'tap';
import { MOUNT_ATTR, MS } from '../../src/plan/linux-constants';
import { describeFlags, parseMountOptions, PROPAGATION } from '../../src/plan/mount-options';

const EMPTY = { flags: 0, propagation: [], data: [], bind: false, recursive: false, copyUp: false, recursiveAttr: { set: 0, clear: 0 } };

t.test('no options', async (t) => {
  t.same(parseMountOptions(), EMPTY);
  t.same(parseMountOptions([]), EMPTY);
  t.same(parseMountOptions(['defaults']), EMPTY);
});

// [the option that sets the flag, the one that clears it, the flag]
const PAIRS: [string, string, number][] = [
  ['ro', 'rw', MS.RDONLY],
  ['nosuid', 'suid', MS.NOSUID],
  ['nodev', 'dev', MS.NODEV],
  ['noexec', 'exec', MS.NOEXEC],
  ['sync', 'async', MS.SYNCHRONOUS],
  ['mand', 'nomand', MS.MANDLOCK],
  ['noatime', 'atime', MS.NOATIME],
  ['nodiratime', 'diratime', MS.NODIRATIME],
  ['relatime', 'norelatime', MS.RELATIME],
  ['strictatime', 'nostrictatime', MS.STRICTATIME],
  ['lazytime', 'nolazytime', MS.LAZYTIME],
  ['iversion', 'noiversion', MS.IVERSION],
  ['silent', 'loud', MS.SILENT],
  ['nosymfollow', 'symfollow', MS.NOSYMFOLLOW],
];

t.test('every flag, set and cleared', async (t) => {
  for (const [set, clear, flag] of PAIRS) {
    t.equal(parseMountOptions([set]).flags, flag, set);
    t.equal(parseMountOptions([clear]).flags, 0, clear);
    t.equal(parseMountOptions([set, clear]).flags, 0, `${set},${clear}`);
    t.equal(parseMountOptions([clear, set]).flags, flag, `${clear},${set}`);
    t.same(parseMountOptions([set, clear]).data, [], `${set} and ${clear} are not data`);
  }
  t.equal(parseMountOptions(['dirsync']).flags, MS.DIRSYNC);
  t.equal(parseMountOptions(['remount']).flags, MS.REMOUNT);
});

t.test('the exact kernel values', async (t) => {
  t.same(
    [MS.RDONLY, MS.NOSUID, MS.NODEV, MS.NOEXEC, MS.REMOUNT, MS.BIND, MS.REC, MS.PRIVATE, MS.SLAVE, MS.SHARED, MS.UNBINDABLE],
    [0x1, 0x2, 0x4, 0x8, 0x20, 0x1000, 0x4000, 0x40000, 0x80000, 0x100000, 0x20000],
  );
});

t.test('later options override earlier ones', async (t) => {
  t.equal(parseMountOptions(['ro', 'rw']).flags, 0);
  t.equal(parseMountOptions(['rw', 'ro']).flags, MS.RDONLY);
  t.equal(parseMountOptions(['ro', 'nosuid', 'rw', 'nodev']).flags, MS.NOSUID | MS.NODEV);
  t.equal(parseMountOptions(['nosuid', 'noexec', 'nodev', 'ro']).flags, MS.NOSUID | MS.NOEXEC | MS.NODEV | MS.RDONLY);
  t.equal(parseMountOptions(['suid', 'nosuid', 'suid']).flags, 0);
});

t.test('propagation options are kept as a list, in order', async (t) => {
  t.same(PROPAGATION, {
    private: MS.PRIVATE,
    rprivate: MS.PRIVATE | MS.REC,
    shared: MS.SHARED,
    rshared: MS.SHARED | MS.REC,
    slave: MS.SLAVE,
    rslave: MS.SLAVE | MS.REC,
    unbindable: MS.UNBINDABLE,
    runbindable: MS.UNBINDABLE | MS.REC,
  });
  const p = parseMountOptions(['rshared', 'ro', 'slave', 'runbindable']);
  t.same(p.propagation, [MS.SHARED | MS.REC, MS.SLAVE, MS.UNBINDABLE | MS.REC]);
  t.equal(p.flags, MS.RDONLY, 'propagation does not touch flags');
  t.same(p.data, []);
});

t.test('unknown options go to data, in order', async (t) => {
  const p = parseMountOptions(['nosuid', 'mode=755', 'size=65536k', 'ro', 'uid=5', 'newinstance']);
  t.same(p, { ...EMPTY, flags: MS.NOSUID | MS.RDONLY, data: ['mode=755', 'size=65536k', 'uid=5', 'newinstance'] });
  t.same(parseMountOptions(['x-foo', 'x-foo']).data, ['x-foo', 'x-foo'], 'duplicates kept');
});

t.test('tmpcopyup is no filesystem data: it asks for a copy-up', async (t) => {
  t.same(parseMountOptions(['tmpcopyup', 'size=1m']), { ...EMPTY, data: ['size=1m'], copyUp: true });
});

t.test('recursive options: mount_setattr attributes, the later option winning', async (t) => {
  const attr = (opts: string[]) => parseMountOptions(opts).recursiveAttr;
  t.same(attr(['rro', 'rnosuid', 'rnodev', 'rnoexec']), { set: MOUNT_ATTR.RDONLY | MOUNT_ATTR.NOSUID | MOUNT_ATTR.NODEV | MOUNT_ATTR.NOEXEC, clear: 0 });
  t.same(attr(['rrw', 'rsuid']), { set: 0, clear: MOUNT_ATTR.RDONLY | MOUNT_ATTR.NOSUID });
  t.same(attr(['rro', 'rrw']), { set: 0, clear: MOUNT_ATTR.RDONLY });
  t.same(attr(['rrw', 'rro']), { set: MOUNT_ATTR.RDONLY, clear: 0 });
  t.same(attr(['rnoatime']), { set: MOUNT_ATTR.NOATIME, clear: MOUNT_ATTR.ATIME_MASK }, 'an atime mode clears the atime field');
  t.same(attr(['rnoatime', 'rstrictatime']), { set: MOUNT_ATTR.STRICTATIME, clear: MOUNT_ATTR.ATIME_MASK });
  t.same(attr(['rrelatime']), { set: 0, clear: MOUNT_ATTR.ATIME_MASK }, 'relatime is the zero mode');
  t.same(attr(['rnosymfollow', 'rnodiratime']), { set: MOUNT_ATTR.NOSYMFOLLOW | MOUNT_ATTR.NODIRATIME, clear: 0 });
  t.same(parseMountOptions(['rbind', 'rro']).data, [], 'never filesystem data (a bind would drop it silently)');
  t.equal(parseMountOptions(['rro']).flags, 0, 'not the mount flag: ro is for this mount only');
});

t.test('bind and rbind', async (t) => {
  t.same(parseMountOptions(['bind']), { ...EMPTY, bind: true });
  t.same(parseMountOptions(['rbind']), { ...EMPTY, bind: true, recursive: true });
  t.same(parseMountOptions(['rbind', 'bind']), { ...EMPTY, bind: true, recursive: true }, 'rbind wins over a later bind');
  t.same(parseMountOptions(['bind', 'rbind']), { ...EMPTY, bind: true, recursive: true });
  t.same(parseMountOptions(['rbind', 'ro', 'rprivate']), { ...EMPTY, flags: MS.RDONLY, propagation: [MS.PRIVATE | MS.REC], bind: true, recursive: true });
  t.equal(parseMountOptions(['bind']).flags, 0, 'bind is not a flag here; the compiler adds MS_BIND');
});

t.test('describeFlags names the bits for the printed plan', async (t) => {
  t.equal(describeFlags(0), '0');
  t.equal(describeFlags(MS.RDONLY), 'rdonly');
  t.equal(describeFlags(MS.RDONLY | MS.NOSUID | MS.BIND), 'rdonly|nosuid|bind');
  t.equal(describeFlags(MS.SLAVE | MS.REC), 'rec|slave');
  t.equal(describeFlags(MS.REMOUNT | MS.BIND | MS.RDONLY), 'rdonly|remount|bind');
  t.equal(describeFlags(parseMountOptions(['nosuid', 'strictatime']).flags), 'nosuid|strictatime');
  t.equal(describeFlags(0x4000000), '0', 'unknown bits are not named');
});
