import t from 'tap';
import { mountUnder, parseMountinfo } from '../../src/util/mountinfo';

const TEXT = [
  '22 1 8:1 / / rw,relatime shared:1 - ext4 /dev/sda1 rw',
  '30 22 0:40 / /tmp rw master:5 - tmpfs tmpfs rw',
  '31 30 0:41 / /tmp/a\\040b rw - tmpfs t rw',
  '32 22 0:42 / /tmpx rw shared:7 unbindable - tmpfs t rw',
  '',
].join('\n');

t.test('fields, escapes and optional fields', async (t) => {
  const e = parseMountinfo(TEXT);
  t.equal(e.length, 4);
  t.same(e[0], { id: 22, root: '/', mountPoint: '/', optional: ['shared:1'], fstype: 'ext4', superOptions: 'rw' });
  t.equal(e[2].mountPoint, '/tmp/a b');
  t.same(e[3].optional, ['shared:7', 'unbindable']);
});

t.test('the mount a path is on', async (t) => {
  const e = parseMountinfo(TEXT);
  t.equal(mountUnder('/tmp/bundle/rootfs', e)?.mountPoint, '/tmp');
  t.equal(mountUnder('/tmp', e)?.mountPoint, '/tmp', 'a mount point is on its own mount');
  t.equal(mountUnder('/tmp/a b/c', e)?.mountPoint, '/tmp/a b');
  t.equal(mountUnder('/tmpx/y', e)?.mountPoint, '/tmpx', 'not /tmp: a prefix of the name is not a parent');
  t.equal(mountUnder('/srv', e)?.mountPoint, '/');
});
