// Tests for src/util/duration.ts: Go durations as runc's --interval takes them.
import t from 'tap';
import { parseDuration } from '../../src/util/duration';

t.test('units and sums', async (t) => {
  t.equal(parseDuration('5s', 'x'), 5000);
  t.equal(parseDuration('500ms', 'x'), 500);
  t.equal(parseDuration('1m30s', 'x'), 90_000);
  t.equal(parseDuration('1.5h', 'x'), 5_400_000);
  t.equal(parseDuration('250us', 'x'), 0.25);
  t.equal(parseDuration('2000000ns', 'x'), 2);
});

t.test('no unit, junk or nothing: an error naming the flag', async (t) => {
  for (const bad of ['5', '', 's', '5 s', '5sec', '-1s', '1s2']) {
    t.throws(() => parseDuration(bad, 'events: --interval'), new RegExp(`events: --interval: invalid duration ${JSON.stringify(bad)}`), bad);
  }
});
