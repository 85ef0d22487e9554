import t from 'tap';
import { parseTap, verdictOf } from '../conformance/tap-results';

t.test('passing and failing test lines', async (t) => {
  const r = parseTap('TAP version 13\nok 1 - has hostname\nnot ok 2 - mounts\n  ---\n  error: "/tmp is not tmpfs"\n  ...\nok 3 # SKIP no apparmor\n1..3\n');
  t.equal(r.ok, 1);
  t.equal(r.notOk, 1);
  t.equal(r.skipped, 1);
  t.same(r.failures, ['mounts: /tmp is not tmpfs']);
  t.same(r.strayErrors, [], 'an error block after a failing line belongs to it');
  t.equal(verdictOf(r, 0), 'fail');
});

t.test('an error block after no test line is a failure of its own', async (t) => {
  // What the hooks program prints when the hooks ran in the wrong order.
  const r = parseTap('TAP version 13\n  ---\n  {\n    "error": "Hooks MUST be called in the listed order\\nRefer to: x",\n    "stderr": "y"\n  }\n  ...\n1..0\n');
  t.same(r.strayErrors, ['Hooks MUST be called in the listed order\nRefer to: x']);
  t.equal(verdictOf(r, 0), 'fail');
});

t.test('an error block right after an ok line is that test\'s expected error', async (t) => {
  const r = parseTap('ok 1 - create MUST generate an error if the ID is not provided\n  ---\n  {\n    "error": "exit status 1"\n  }\n  ...\n1..1\n');
  t.same(r.strayErrors, []);
  t.equal(verdictOf(r, 0), 'pass');
});

t.test('a second error block after the same line is stray', async (t) => {
  const r = parseTap('ok 1 - x\n  ---\n  a: 1\n  ...\n  ---\n  error: late failure\n  ...\n1..1\n');
  t.same(r.strayErrors, ['late failure']);
  t.equal(verdictOf(r, 0), 'fail');
});

t.test('a diagnostic comment naming an error', async (t) => {
  const r = parseTap('ok 1 - x\n# error: runtime crashed\n1..1\n');
  t.same(r.strayErrors, ['runtime crashed']);
  t.equal(verdictOf(r, 0), 'fail');
});

t.test('verdicts', async (t) => {
  t.equal(verdictOf(parseTap('ok 1\nok 2\n1..2\n'), 0), 'pass');
  t.equal(verdictOf(parseTap('ok 1\nok 2\n1..2\n'), 1), 'fail', 'a non-zero exit fails');
  t.equal(verdictOf(parseTap('ok 1\n1..2\n'), 0), 'fail', 'fewer tests than planned');
  t.equal(verdictOf(parseTap('TAP version 13\nok 1\n1..1\nTAP version 13\n1..0\n'), 0), 'pass', 'a second, empty stream');
  t.equal(verdictOf(parseTap('1..1\nok 1 # skip not supported\n'), 0), 'skip', 'only skips');
  t.equal(verdictOf(parseTap(''), 0), 'pass', 'no TAP and exit 0: how the *_fail programs pass');
  t.equal(verdictOf(parseTap(''), 1), 'fail');
  t.equal(verdictOf(parseTap('TAP version 13\n'), 0), 'pass');
  t.equal(verdictOf(parseTap('TAP version 13\n1..0\n'), 0), 'pass', 'no test and no error, by plan: how the lifecycle programs pass');
  t.equal(verdictOf(parseTap('TAP version 13\n1..0\n'), 1), 'fail');
  t.equal(verdictOf(parseTap('not ok 1 - x # TODO later\nok 2\n1..2\n'), 0), 'pass', 'a TODO failure is not counted');
});
