// Tests for the pure part of list: the table laid out as runc's tabwriter does.
import t from 'tap';
import { formatTable, listTable } from '../../src/container/list';

t.test('columns at least 12 wide, 3 blanks after the widest cell, the last not padded', async (t) => {
  t.equal(formatTable([['ID', 'PID'], ['a', '1']]), 'ID          PID\na           1\n');
  t.equal(
    formatTable([['ID', 'BUNDLE', 'OWNER'], ['rc1', '/tmp/specdemo', 'root']]),
    'ID          BUNDLE          OWNER\nrc1         /tmp/specdemo   root\n',
  );
});

t.test('the header alone when there is no container, as runc prints it', async (t) => {
  t.equal(listTable([]), 'ID          PID         STATUS      BUNDLE      CREATED     OWNER\n');
});

t.test('one row per container', async (t) => {
  const out = listTable([{
    ociVersion: '1.3.0', id: 'c1', pid: 42, status: 'running', bundle: '/b', rootfs: '/b/rootfs', created: '2026-01-01T00:00:00.000Z', owner: 'root',
  }]);
  t.equal(out.split('\n')[1], 'c1          42          running     /b          2026-01-01T00:00:00.000Z   root');
});
