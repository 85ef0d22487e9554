// Tests for src/util/signals.ts parseSignal: the forms `kill` accepts.

import t from 'tap';
import { parseSignal } from '../../src/util/signals';
import { UserError } from '../../src/util/errors';

t.test('names, with or without SIG, any case', async (t) => {
  t.equal(parseSignal('TERM'), 15);
  t.equal(parseSignal('SIGTERM'), 15);
  t.equal(parseSignal('sigkill'), 9);
  t.equal(parseSignal('kill'), 9);
  t.equal(parseSignal('HUP'), 1);
  t.equal(parseSignal('SIGUSR1'), 10);
  t.equal(parseSignal('SIGCHLD'), 17);
  t.equal(parseSignal(' INT '), 2, 'surrounding spaces are ignored');
});

t.test('numbers from 0 to 64', async (t) => {
  t.equal(parseSignal('0'), 0, '0 only checks that the process exists, as kill(2)');
  t.equal(parseSignal('9'), 9);
  t.equal(parseSignal('15'), 15);
  t.equal(parseSignal('1'), 1);
  t.equal(parseSignal('64'), 64);
});

t.test('real-time signals', async (t) => {
  t.equal(parseSignal('RTMIN'), 34);
  t.equal(parseSignal('SIGRTMIN'), 34);
  t.equal(parseSignal('RTMIN+3'), 37);
  t.equal(parseSignal('rtmin+30'), 64);
  t.equal(parseSignal('RTMAX'), 64);
  t.equal(parseSignal('RTMAX-1'), 63);
  t.equal(parseSignal('SIGRTMAX-30'), 34);
});

t.test('invalid signals throw a UserError that quotes the input', async (t) => {
  const cases: [string, string][] = [
    ['65', 'invalid signal "65": numbers go from 0 to 64'],
    ['100', 'invalid signal "100": numbers go from 0 to 64'],
    ['FOO', 'invalid signal "FOO"'],
    ['', 'invalid signal ""'],
    ['SIG', 'invalid signal "SIG"'],
    ['RTMIN-1', 'invalid signal "RTMIN-1"'],
    ['RTMAX+1', 'invalid signal "RTMAX+1"'],
    ['-9', 'invalid signal "-9"'],
    ['9x', 'invalid signal "9x"'],
  ];
  for (const [input, message] of cases) {
    let err: unknown;
    try {
      parseSignal(input);
    } catch (e) {
      err = e;
    }
    t.ok(err instanceof UserError, `${JSON.stringify(input)} throws a UserError`);
    t.equal((err as Error).message, message);
  }
});
