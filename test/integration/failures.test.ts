// A failed create leaves nothing behind: no process, mount, cgroup or state
// directory, and the error names the config field.
import t, { type Test } from 'tap';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { baseSpec, cgroupDirsOf, hostMountsUnder, makeBundle, processesOf, uniqueId, type Bundle } from '../lib/tsrun';
import type { Spec } from '../../src/spec/types';

// Creates with a broken config; checks the message and that nothing is left.
function failsCleanly(t: Test, edit: (s: Spec, b: Bundle) => void, message: RegExp, command = 'create') {
  const b = makeBundle(t, baseSpec(['sleep', '100']));
  edit(b.spec, b);
  b.write();
  const id = uniqueId('fail');
  const r = b.run([command, '-b', b.dir, id]);
  t.not(r.status, 0, 'fails');
  t.match(r.stderr, message);
  t.notOk(existsSync(join(b.root, id)), 'no state directory');
  for (const d of cgroupDirsOf(id)) t.notOk(existsSync(d), `no cgroup ${d}`);
  // Only the bundle's: the rest of the host may be mounting things meanwhile.
  t.same(hostMountsUnder(b.dir), [], 'no mount left on the host');
  t.same(processesOf(b), [], 'no process of the container left');
  return r;
}

t.test('a mount that fails names the mount', async (t) => {
  failsCleanly(t, (s) => {
    s.mounts!.push({ destination: '/bad', type: 'no-such-fs', source: 'x' });
  }, /mounts\[6\]: mount no-such-fs on \/bad \(0\): no such device/);
});

t.test('a missing program fails create with runc\'s wording', async (t) => {
  failsCleanly(t, (s) => { s.process!.args = ['/bin/not-here']; }, /exec: "\/bin\/not-here": stat \/bin\/not-here: no such file or directory/);
  failsCleanly(t, (s) => { s.process!.args = ['not-here']; }, /executable file not found in \$PATH/);
});

// Without CAP_SYS_RESOURCE in the bounding set, raising nofile past the host's hard limit fails.
const hardNofile = Number(readFileSync('/proc/self/limits', 'utf8').match(/Max open files\s+\d+\s+(\d+)/)![1]);
const hasSysResource = ((BigInt('0x' + readFileSync('/proc/self/status', 'utf8').match(/CapBnd:\s+(\w+)/)![1]) >> 24n) & 1n) === 1n;
t.test('an rlimit above the hard limit names the rlimit', { skip: hasSysResource && 'this host lets root raise rlimits' }, async (t) => {
  failsCleanly(t, (s) => {
    s.process!.rlimits = [{ type: 'RLIMIT_NOFILE', soft: hardNofile + 1, hard: hardNofile + 1 }];
  }, /process\.rlimits\[0\]: setrlimit RLIMIT_NOFILE .*: operation not permitted/);
});

t.test('an invalid config is refused before anything is created', async (t) => {
  failsCleanly(t, (s) => { s.process!.args = []; }, /process\.args: must be a non-empty array/);
  failsCleanly(t, (s) => { (s as { ociVersion: string }).ociVersion = '2.0.0'; }, /ociVersion: unsupported version "2\.0\.0"/);
  failsCleanly(t, (s) => { s.linux!.namespaces!.push({ type: 'bogus' as 'pid' }); }, /linux\.namespaces\[5\]\.type: must be one of/);
  failsCleanly(t, (s) => { s.process!.capabilities = { bounding: ['CAP_TEST'] }; }, /process\.capabilities\.bounding\[0\]: unknown capability "CAP_TEST"/);
  failsCleanly(t, (s) => { s.root!.path = 'no-such-rootfs'; }, /root\.path: .*no-such-rootfs does not exist/);
  failsCleanly(t, (s) => { s.mounts!.push({ destination: '/x', type: 'bind', source: 'missing-dir' }); }, /mounts\[6\]\.source: .*missing-dir does not exist/);
});

t.test('broken JSON and a missing config.json', async (t) => {
  failsCleanly(t, (s, b) => { writeFileSync(join(b.dir, 'config.json'), '{"ociVersion": '); b.write = () => {}; }, /config\.json: not valid JSON/);
});

t.test('a failing run leaves nothing behind either', async (t) => {
  failsCleanly(t, (s) => { s.mounts!.push({ destination: '/bad', type: 'no-such-fs', source: 'x' }); }, /mounts\[6\]/, 'run');
});

t.test('bad arguments', async (t) => {
  const b = makeBundle(t);
  const cases: [string[], RegExp][] = [
    [['frobnicate', 'x'], /unknown command "frobnicate"/],
    [['create'], /create: missing container-id/],
    [['create', '-b', b.dir, 'bad/id'], /invalid container id "bad\/id"/],
    [['create', '--preserve-fds', 'many', 'x'], /--preserve-fds: expected a number/],
    [['create', '--bogus', 'x'], /unknown option --bogus/],
    [['--log-format', 'xml', 'state', 'x'], /--log-format: must be text or json/],
    [['start', 'nope'], /container nope does not exist/],
    [['kill', 'nope'], /container nope does not exist/],
    [['create', '-b', join(b.dir, 'nowhere'), 'x'], /no config\.json in it/],
  ];
  for (const [args, re] of cases) {
    const r = b.run(args);
    t.not(r.status, 0, args.join(' '));
    t.match(r.stderr, re, args.join(' '));
  }
  t.notOk(existsSync(join(b.root, 'x')), 'nothing created');
});

t.test('--log with json: the last line is the error, as engines read it', async (t) => {
  const b = makeBundle(t);
  const log = join(b.dir, 'log.json');
  const r = b.run(['--log', log, '--log-format', 'json', 'start', 'nope']);
  t.not(r.status, 0);
  const lines = readFileSync(log, 'utf8').trim().split('\n').map((l) => JSON.parse(l));
  const last = lines[lines.length - 1];
  t.equal(last.level, 'error');
  t.equal(last.msg, 'container nope does not exist');
  t.ok(!Number.isNaN(Date.parse(last.time)), 'time is a date');
});

t.test('features not implemented yet are refused, never ignored', async (t) => {
  failsCleanly(t, (s) => { s.mounts![0].uidMappings = [{ containerID: 0, hostID: 1000, size: 1 }]; s.mounts![0].gidMappings = [{ containerID: 0, hostID: 1000, size: 1 }]; }, /mounts\[0\]: id-mapped mounts are not supported/);
  failsCleanly(t, (s) => { s.process!.apparmorProfile = 'x'; }, /process\.apparmorProfile/);
  failsCleanly(t, (s) => { s.mounts!.push({ destination: '/d', type: 'bind', source: '/dev', options: ['rbind', 'idmap'] }); },
    /mounts\[6\]\.options: idmap: id-mapped mounts are not supported/);
});

t.test('--version', async (t) => {
  const b = makeBundle(t);
  const r = b.run(['--version']);
  t.equal(r.status, 0);
  t.match(r.stdout, /^tsrun version \d+\.\d+\.\d+\nspec: 1\.3\.0\n/);
});
