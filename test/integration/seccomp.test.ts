// seccomp in real containers: blocked syscalls return the configured errno,
// argument conditions, an allow-list under an errno default, KILL, Docker's
// default profile under a shell, SCMP_ACT_NOTIFY with a listener written in
// C (test/seccomp/agent.c), and bad profiles refused before anything exists.
import t from 'tap';
import { spawn, execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import type { SeccompProfile } from '../../src/seccomp/types';
import { SYSCALLS_X86_64 } from '../../src/seccomp/syscalls-x86_64';
import { SYSCALLS_AARCH64 } from '../../src/seccomp/syscalls-aarch64';
import { dockerProfile } from '../lib/docker-profile';
import { baseSpec, makeBundle, uniqueId, waitForStatus } from '../lib/tsrun';

function withSeccomp(args: string[], seccomp: SeccompProfile, nnp = true) {
  const s = baseSpec(args);
  s.process!.noNewPrivileges = nnp;
  s.linux!.seccomp = seccomp as unknown as Record<string, unknown>;
  return s;
}

t.test('a blocked syscall returns the configured errno', async (t) => {
  for (const nnp of [true, false]) {
    const b = makeBundle(t, withSeccomp(['sh', '-c', 'mkdir /made 2>&1; echo rc=$?; rmdir /tmp 2>&1; echo rc=$?'], {
      defaultAction: 'SCMP_ACT_ALLOW',
      syscalls: [{ names: ['mkdir', 'mkdirat'], action: 'SCMP_ACT_ERRNO', errnoRet: 1 }, { names: ['rmdir', 'unlinkat'], action: 'SCMP_ACT_ERRNO', errnoRet: 28 }],
    }, nnp));
    const r = b.run(['run', '-b', b.dir, uniqueId('errno')]);
    t.equal(r.status, 0, r.stderr);
    t.match(r.stdout, /can't create directory '\/made': Operation not permitted\nrc=1\n/, `mkdir: EPERM (noNewPrivileges ${nnp})`);
    t.match(r.stdout, /No space left on device\nrc=1\n/, 'rmdir: the errnoRet given, ENOSPC');
    t.notOk(existsSync(join(b.rootfs, 'made')));
  }
});

t.test('argument conditions', async (t) => {
  // personality(PER_LINUX32) fails, personality(PER_LINUX) does not.
  const b = makeBundle(t, withSeccomp(['sh', '-c', 'linux32 true; echo rc=$?; linux64 true; echo rc=$?'], {
    defaultAction: 'SCMP_ACT_ALLOW',
    syscalls: [{ names: ['personality'], action: 'SCMP_ACT_ERRNO', errnoRet: 22, args: [{ index: 0, value: 8, op: 'SCMP_CMP_EQ' }] }],
  }));
  const r = b.run(['run', '-b', b.dir, uniqueId('args')]);
  t.equal(r.status, 0, r.stderr);
  t.match(r.stdout, /^rc=1\nrc=0\n$/);
  t.match(r.stderr, /personality\(0x8\): Invalid argument/);
});

t.test('an errno default with an allow-list', async (t) => {
  const table = process.arch === 'arm64' ? SYSCALLS_AARCH64 : SYSCALLS_X86_64;
  const allowed = [...table.keys()].filter((n) => n !== 'sethostname');
  const b = makeBundle(t, withSeccomp(['sh', '-c', 'hostname new 2>&1; echo rc=$?; hostname'], {
    defaultAction: 'SCMP_ACT_ERRNO',
    syscalls: [{ names: allowed, action: 'SCMP_ACT_ALLOW' }],
  }));
  const r = b.run(['run', '-b', b.dir, uniqueId('allow')]);
  t.equal(r.status, 0, r.stderr);
  t.match(r.stdout, /Operation not permitted\nrc=1\ntsrun-test\n/, 'sethostname is not on the list: EPERM');
});

t.test('KILL kills: exit by SIGSYS', async (t) => {
  const b = makeBundle(t, withSeccomp(['hostname', 'foo'], {
    defaultAction: 'SCMP_ACT_ALLOW',
    syscalls: [{ names: ['sethostname'], action: 'SCMP_ACT_KILL' }],
  }));
  const r = b.run(['run', '-b', b.dir, uniqueId('kill')]);
  t.equal(r.status, 128 + 31, 'tsrun run exits 159');
  const k = makeBundle(t, withSeccomp(['sh', '-c', 'echo up; hostname foo; echo still'], {
    defaultAction: 'SCMP_ACT_ALLOW',
    syscalls: [{ names: ['sethostname'], action: 'SCMP_ACT_KILL_PROCESS' }],
  }));
  const r2 = k.run(['run', '-b', k.dir, uniqueId('killp')]);
  t.equal(r2.status, 0, 'the shell lives on: only hostname died');
  t.match(r2.stdout, /^up\nstill\n$/);
});

const docker = dockerProfile(undefined, process.arch === 'arm64' ? 'arm64' : 'amd64');
const noDocker = docker ? false : "no copy of Docker's default profile: scripts/setup.sh unpacks it from Debian's containers-common";
t.test("Docker's default profile loads and a shell works under it", { skip: noDocker }, async (t) => {
  const profile = docker!;
  for (const nnp of [true, false]) {
    const b = makeBundle(t, withSeccomp(['sh', '-c', 'echo hello; ls / >/dev/null && grep Seccomp: /proc/self/status; cat /etc/passwd >/dev/null; sleep 0; echo $((6*7))'], profile, nnp));
    const r = b.run(['run', '-b', b.dir, uniqueId('docker')]);
    t.equal(r.status, 0, r.stderr);
    t.match(r.stdout, /^hello\nSeccomp:\s+2\n(Seccomp_filters:\s+\d+\n)?42\n$/, `noNewPrivileges ${nnp}`);
  }
});

t.test('SCMP_ACT_NOTIFY: the listener gets the fd and the state', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'tsrun-agent-'));
  t.teardown(() => rmSync(dir, { recursive: true, force: true }));
  const agentBin = join(dir, 'agent');
  execFileSync(process.env.CC || 'cc', ['-O1', '-o', agentBin, resolve(__dirname, '../seccomp/agent.c')]);
  const sock = join(dir, 'agent.sock');
  const out = join(dir, 'state.json');
  const agent = spawn(agentBin, [sock, out], { stdio: ['ignore', 'pipe', 'inherit'] });
  const agentExit = new Promise<number | null>((r) => agent.on('exit', (code) => r(code)));
  t.teardown(() => { agent.kill(); });
  await new Promise<void>((r) => agent.stdout!.once('data', () => r()));

  const b = makeBundle(t, withSeccomp(['sh', '-c', 'mkdir /made 2>/result; echo rc=$? >>/result'], {
    defaultAction: 'SCMP_ACT_ALLOW',
    listenerPath: sock,
    listenerMetadata: 'hello agent',
    syscalls: [{ names: ['mkdir', 'mkdirat'], action: 'SCMP_ACT_NOTIFY' }],
  }));
  b.spec.annotations = { 'org.test': 'yes' };
  b.write();
  const id = uniqueId('notify');
  const c = b.run(['create', '-b', b.dir, id]);
  t.equal(c.status, 0, c.stderr);
  const state = JSON.parse(b.run(['state', id]).stdout);
  const msg = JSON.parse(readFileSync(out, 'utf8'));
  t.same(msg, {
    ociVersion: msg.ociVersion,
    fds: ['seccompFd'],
    pid: state.pid,
    metadata: 'hello agent',
    state: { ociVersion: msg.ociVersion, id, status: 'creating', pid: state.pid, bundle: b.dir, annotations: { 'org.test': 'yes' } },
  }, 'the container process state, with the host pid');
  t.equal(readFileSync(`${out}.fd`, 'utf8'), 'anon_inode:seccomp notify', 'SCM_RIGHTS carried the notify fd');

  t.equal(b.run(['start', id]).status, 0);
  await waitForStatus(b, id, 'stopped');
  t.equal(await agentExit, 0, 'the agent saw the filter go away');
  t.match(readFileSync(join(b.rootfs, 'result'), 'utf8'), /No medium found\nrc=1\n/, 'the agent answered mkdir');
  t.ok(Number(readFileSync(`${out}.count`, 'utf8')) >= 1);
  t.notOk(existsSync(join(b.rootfs, 'made')));
});

t.test('SCMP_ACT_NOTIFY under `run`: the helper stays, the connection still ends', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'tsrun-agent-'));
  t.teardown(() => rmSync(dir, { recursive: true, force: true }));
  const agentBin = join(dir, 'agent');
  execFileSync(process.env.CC || 'cc', ['-O1', '-o', agentBin, resolve(__dirname, '../seccomp/agent.c')]);
  const sock = join(dir, 'agent.sock');
  const out = join(dir, 'state.json');
  const agent = spawn(agentBin, [sock, out], { stdio: ['ignore', 'pipe', 'inherit'] });
  const agentExit = new Promise<number | null>((r) => agent.on('exit', (code) => r(code)));
  t.teardown(() => { agent.kill(); });
  await new Promise<void>((r) => agent.stdout!.once('data', () => r()));
  const b = makeBundle(t, withSeccomp(['sh', '-c', 'mkdir /made; echo rc=$?'], {
    defaultAction: 'SCMP_ACT_ALLOW',
    listenerPath: sock,
    syscalls: [{ names: ['mkdir', 'mkdirat'], action: 'SCMP_ACT_NOTIFY' }],
  }, false));
  const r = b.run(['run', '-b', b.dir, uniqueId('notifyrun')], { timeoutMs: 20_000 });
  t.equal(r.status, 0, r.stderr);
  t.equal(r.stdout, 'rc=1\n');
  t.match(r.stderr, /No medium found/);
  t.equal(await agentExit, 0);
  t.equal(JSON.parse(readFileSync(out, 'utf8')).fds[0], 'seccompFd');
});

t.test('SCMP_ACT_NOTIFY with no listener fails create and leaves nothing', async (t) => {
  const b = makeBundle(t, withSeccomp(['true'], {
    defaultAction: 'SCMP_ACT_ALLOW',
    listenerPath: '/run/tsrun-no-such-agent.sock',
    syscalls: [{ names: ['mkdirat'], action: 'SCMP_ACT_NOTIFY' }],
  }));
  const id = uniqueId('nolistener');
  const r = b.run(['create', '-b', b.dir, id]);
  t.not(r.status, 0);
  t.match(r.stderr, /linux\.seccomp\.listenerPath: connect to the seccomp listener \/run\/tsrun-no-such-agent\.sock: no such file or directory/);
  t.notOk(existsSync(join(b.root, id)), 'no state directory');
});

t.test('bad profiles are refused at create, naming the field', async (t) => {
  const cases: [SeccompProfile, RegExp][] = [
    [{ defaultAction: 'SCMP_ACT_ALLOW', syscalls: [{ names: ['a'], action: 'SCMP_ACT_ALLOW' }, { names: ['b'], action: 'SCMP_ACT_FOO' }] }, /linux\.seccomp\.syscalls\[1\]\.action: /],
    [{ defaultAction: 'SCMP_ACT_ALLOW', syscalls: [{ names: ['mkdir'], action: 'SCMP_ACT_ERRNO', args: [{ index: 6, value: 1, op: 'SCMP_CMP_EQ' }] }] }, /linux\.seccomp\.syscalls\[0\]\.args\[0\]\.index: 6 is not an argument index/],
    [{ defaultAction: 'SCMP_ACT_ALLOW', syscalls: [{ names: ['mkdir'], action: 'SCMP_ACT_ERRNO', args: [{ index: 0, value: 1, op: 'SCMP_CMP_SOMETIMES' }] }] }, /linux\.seccomp\.syscalls\[0\]\.args\[0\]\.op: /],
    [{ defaultAction: 'SCMP_ACT_ALLOW', syscalls: [{ names: ['mkdir'], action: 'SCMP_ACT_KILL', errnoRet: 1 }] }, /linux\.seccomp\.syscalls\[0\]\.errnoRet: SCMP_ACT_KILL takes no errno/],
  ];
  for (const [profile, want] of cases) {
    const b = makeBundle(t, withSeccomp(['true'], profile));
    const id = uniqueId('bad');
    const r = b.run(['create', '-b', b.dir, id]);
    t.not(r.status, 0);
    t.match(r.stderr, want);
    t.notOk(existsSync(join(b.root, id)), 'nothing created');
  }
});
