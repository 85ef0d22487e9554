// Tests for src/spec/validate.ts and the schemas in oci-schemas/.
// Needs the generated validators: node scripts/build-validators.mjs

import t from 'tap';
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { validateConfig } from '../../src/spec/validate';
import { validateFeatures } from '../../src/spec/validate-features';
import { validateState } from '../../src/spec/validate-state';

const repo = join(__dirname, '..', '..');

type Json = Record<string, any>;

// Like `runc spec` output, plus namespaces with paths, devices, seccomp with
// argument filters, hooks, resources and the newer 1.2/1.3 fields.
function fullConfig(): Json {
  return {
    ociVersion: '1.3.0',
    process: {
      terminal: true,
      consoleSize: { height: 25, width: 80 },
      user: { uid: 0, gid: 0, umask: 18, additionalGids: [10, 20] },
      args: ['sh', '-c', 'echo hello'],
      env: ['PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin', 'TERM=xterm'],
      cwd: '/',
      capabilities: {
        bounding: ['CAP_AUDIT_WRITE', 'CAP_KILL', 'CAP_NET_BIND_SERVICE'],
        effective: ['CAP_AUDIT_WRITE', 'CAP_KILL', 'CAP_NET_BIND_SERVICE'],
        inheritable: [],
        permitted: ['CAP_AUDIT_WRITE', 'CAP_KILL', 'CAP_NET_BIND_SERVICE'],
        ambient: ['CAP_NET_BIND_SERVICE'],
      },
      rlimits: [
        { type: 'RLIMIT_NOFILE', hard: 1024, soft: 1024 },
        { type: 'RLIMIT_CORE', hard: 18446744073709551615, soft: 0 },
      ],
      noNewPrivileges: true,
      oomScoreAdj: -500,
      apparmorProfile: 'tsrun-default',
      selinuxLabel: 'system_u:system_r:container_t:s0:c1,c2',
      scheduler: { policy: 'SCHED_BATCH', nice: 5, flags: ['SCHED_FLAG_RESET_ON_FORK'] },
      ioPriority: { class: 'IOPRIO_CLASS_BE', priority: 4 },
      execCPUAffinity: { initial: '7', final: '0-3,7' },
    },
    root: { path: 'rootfs', readonly: true },
    hostname: 'tsrun',
    domainname: 'example.test',
    mounts: [
      { destination: '/proc', type: 'proc', source: 'proc' },
      { destination: '/dev', type: 'tmpfs', source: 'tmpfs', options: ['nosuid', 'strictatime', 'mode=755', 'size=65536k'] },
      {
        destination: '/dev/pts',
        type: 'devpts',
        source: 'devpts',
        options: ['nosuid', 'noexec', 'newinstance', 'ptmxmode=0666', 'mode=0620', 'gid=5'],
      },
      { destination: '/dev/shm', type: 'tmpfs', source: 'shm', options: ['nosuid', 'noexec', 'nodev', 'mode=1777', 'size=65536k'] },
      { destination: '/dev/mqueue', type: 'mqueue', source: 'mqueue', options: ['nosuid', 'noexec', 'nodev'] },
      { destination: '/sys', type: 'sysfs', source: 'sysfs', options: ['nosuid', 'noexec', 'nodev', 'ro'] },
      { destination: '/sys/fs/cgroup', type: 'cgroup', source: 'cgroup', options: ['nosuid', 'noexec', 'nodev', 'relatime', 'ro'] },
      {
        destination: '/data',
        type: 'none',
        source: '/srv/data',
        options: ['rbind', 'rw', 'idmap'],
        uidMappings: [{ containerID: 0, hostID: 100000, size: 65536 }],
        gidMappings: [{ containerID: 0, hostID: 100000, size: 65536 }],
      },
    ],
    hooks: {
      prestart: [{ path: '/usr/bin/fix-mounts', args: ['fix-mounts', 'arg1'], env: ['key1=value1'] }],
      createRuntime: [{ path: '/usr/bin/setup-network' }],
      createContainer: [{ path: '/usr/bin/mount-hook', args: ['-mount'] }],
      startContainer: [{ path: '/usr/bin/refresh-ldcache' }],
      poststart: [{ path: '/usr/bin/notify-start', timeout: 5 }],
      poststop: [{ path: '/usr/sbin/cleanup.sh', args: ['cleanup.sh', '-f'] }],
    },
    annotations: { 'com.example.key1': 'value1', 'com.example.empty': '' },
    linux: {
      namespaces: [
        { type: 'pid' },
        { type: 'network', path: '/var/run/netns/neta' },
        { type: 'ipc' },
        { type: 'uts' },
        { type: 'mount' },
        { type: 'user' },
        { type: 'cgroup' },
        { type: 'time' },
      ],
      uidMappings: [{ containerID: 0, hostID: 1000, size: 32000 }],
      gidMappings: [{ containerID: 0, hostID: 1000, size: 32000 }],
      timeOffsets: { monotonic: { secs: 172800, nanosecs: 0 }, boottime: { secs: -5, nanosecs: 999 } },
      devices: [
        { path: '/dev/fuse', type: 'c', major: 10, minor: 229, fileMode: 438, uid: 0, gid: 0 },
        { path: '/dev/sda', type: 'b', major: 8, minor: 0, fileMode: 432 },
        { path: '/run/fifo', type: 'p' },
      ],
      netDevices: { eth1: { name: 'ctr_eth1' }, eth2: {} },
      cgroupsPath: '/tsrun/demo',
      resources: {
        devices: [
          { allow: false, access: 'rwm' },
          { allow: true, type: 'c', major: 10, minor: 229, access: 'rw' },
        ],
        memory: { limit: 536870912, reservation: 536870912, swap: -1, kernel: -1, kernelTCP: -1, swappiness: 0, disableOOMKiller: false, checkBeforeUpdate: true },
        cpu: { shares: 1024, quota: 1000000, burst: 1000000, period: 500000, realtimeRuntime: 950000, realtimePeriod: 1000000, cpus: '2-3', mems: '0-7', idle: 0 },
        blockIO: {
          weight: 10,
          leafWeight: 10,
          weightDevice: [
            { major: 8, minor: 0, weight: 500, leafWeight: 300 },
            { major: 8, minor: 16, weight: 500 },
          ],
          throttleReadBpsDevice: [{ major: 8, minor: 0, rate: 600 }],
          throttleWriteIOPSDevice: [{ major: 8, minor: 16, rate: 300 }],
        },
        hugepageLimits: [
          { pageSize: '2MB', limit: 209715200 },
          { pageSize: '64KB', limit: 1000000 },
        ],
        network: { classID: 1048577, priorities: [{ name: 'eth0', priority: 500 }] },
        pids: { limit: 32771 },
        rdma: { mlx5_1: { hcaHandles: 3, hcaObjects: 10000 }, rxe3: { hcaObjects: 10000 } },
        unified: { 'io.max': '259:0 rbps=2097152 wiops=120', 'memory.high': '1073741824' },
      },
      intelRdt: { closID: 'guaranteed_group', schemata: ['L3:0=7f0;1=1f', 'MB:0=20;1=70'], enableMonitoring: true },
      memoryPolicy: { mode: 'MPOL_INTERLEAVE', nodes: '2-3', flags: ['MPOL_F_STATIC_NODES'] },
      sysctl: { 'net.ipv4.ip_forward': '1', 'net.core.somaxconn': '256' },
      seccomp: {
        defaultAction: 'SCMP_ACT_ERRNO',
        defaultErrnoRet: 1,
        architectures: ['SCMP_ARCH_X86_64', 'SCMP_ARCH_X86', 'SCMP_ARCH_X32'],
        flags: ['SECCOMP_FILTER_FLAG_SPEC_ALLOW'],
        listenerPath: '/run/seccomp-agent.sock',
        listenerMetadata: 'MKNOD=/dev/null',
        syscalls: [
          { names: ['read', 'write', 'exit_group'], action: 'SCMP_ACT_ALLOW' },
          {
            names: ['personality'],
            action: 'SCMP_ACT_ALLOW',
            args: [{ index: 0, value: 0, op: 'SCMP_CMP_EQ' }],
          },
          {
            names: ['clone'],
            action: 'SCMP_ACT_ALLOW',
            args: [{ index: 0, value: 2114060288, valueTwo: 0, op: 'SCMP_CMP_MASKED_EQ' }],
          },
          { names: ['mknod'], action: 'SCMP_ACT_NOTIFY' },
          { names: ['kexec_load'], action: 'SCMP_ACT_ERRNO', errnoRet: 38 },
        ],
      },
      rootfsPropagation: 'slave',
      maskedPaths: ['/proc/acpi', '/proc/kcore', '/proc/keys', '/sys/firmware'],
      readonlyPaths: ['/proc/bus', '/proc/fs', '/proc/irq', '/proc/sys', '/proc/sysrq-trigger'],
      mountLabel: 'system_u:object_r:container_file_t:s0:c1,c2',
      personality: { domain: 'LINUX32', flags: [] },
    },
  };
}

function minimalConfig(): Json {
  return { ociVersion: '1.0.0', root: { path: 'rootfs' } };
}

const NAMESPACE_TYPES = 'pid, network, mount, ipc, uts, user, cgroup, time';
const SECCOMP_ACTIONS =
  'SCMP_ACT_KILL, SCMP_ACT_KILL_PROCESS, SCMP_ACT_KILL_THREAD, SCMP_ACT_TRAP, SCMP_ACT_ERRNO, SCMP_ACT_TRACE, SCMP_ACT_ALLOW, SCMP_ACT_LOG, SCMP_ACT_NOTIFY';
const SECCOMP_OPS = 'SCMP_CMP_NE, SCMP_CMP_LT, SCMP_CMP_LE, SCMP_CMP_EQ, SCMP_CMP_GE, SCMP_CMP_GT, SCMP_CMP_MASKED_EQ';

t.test('generated validators are up to date with oci-schemas/', async (t) => {
  for (const [schema, out] of [
    ['config-schema.json', 'validate-config.js'],
    ['state-schema.json', 'validate-state.js'],
    ['features-schema.json', 'validate-features.js'],
  ]) {
    const hash = createHash('sha256').update(readFileSync(join(repo, 'oci-schemas', schema))).digest('hex');
    const generated = readFileSync(join(repo, 'build', 'validators', out), 'utf8');
    t.match(generated, `schema-sha256: ${hash}`, `${out} is stale; run node scripts/build-validators.mjs`);
    t.notMatch(generated, /require\("ajv"\)|require\("ajv\/dist\/(core|ajv|compile)/, `${out} does not load the ajv compiler`);
  }
});

t.test('config: valid documents', async (t) => {
  t.same(validateConfig(fullConfig()), [], 'full realistic config');
  t.same(validateConfig(minimalConfig()), [], 'ociVersion + root only (no process)');
  t.same(validateConfig({ ...minimalConfig(), linux: {} }), [], 'empty linux object');

  const windowsUser = fullConfig();
  windowsUser.windows = { layerFolders: ['C:\\layers\\1'], hyperv: {} };
  windowsUser.solaris = { milestone: 'svc:/milestone/container:default' };
  windowsUser.vm = { kernel: { path: '/vmlinuz' } };
  windowsUser.zos = {};
  windowsUser.freebsd = {};
  t.same(validateConfig(windowsUser), [], 'other platform objects accepted without deep validation');
});

t.test('config: ociVersion', async (t) => {
  for (const v of ['1.0.0', '1.0.2-dev', '1.1.0-rc.1', '1.2.1', '1.3.0', '1.3.1', '1.3.12+build.5']) {
    t.same(validateConfig({ ...minimalConfig(), ociVersion: v }), [], `${v} accepted`);
  }
  t.same(validateConfig({ ...minimalConfig(), ociVersion: '2.0.0' }), [
    'ociVersion: unsupported version "2.0.0", tsrun accepts 1.0.0 to 1.3.x',
  ]);
  t.same(validateConfig({ ...minimalConfig(), ociVersion: 'banana' }), [
    'ociVersion: unsupported version "banana", tsrun accepts 1.0.0 to 1.3.x',
  ]);
  t.same(validateConfig({ ...minimalConfig(), ociVersion: '1.4.0' }), [
    'ociVersion: unsupported version "1.4.0", tsrun accepts 1.0.0 to 1.3.x',
  ]);
  t.same(validateConfig({ ...minimalConfig(), ociVersion: 1.2 }), ['ociVersion: must be a string']);
  t.same(validateConfig({ root: { path: 'rootfs' } }), ['ociVersion: is required']);

  // A version problem is listed first even when it is not the first error found.
  const msgs = validateConfig({ ociVersion: '2.0.0', mounts: [{}] });
  t.equal(msgs[0], 'ociVersion: unsupported version "2.0.0", tsrun accepts 1.0.0 to 1.3.x');
  t.same(msgs.slice(1).sort(), ['mounts[0].destination: is required', 'root: is required']);
});

t.test('config: root', async (t) => {
  t.same(validateConfig({ ociVersion: '1.2.0' }), ['root: is required']);
  t.same(validateConfig({ ociVersion: '1.2.0', root: {} }), ['root.path: is required']);
  t.same(validateConfig({ ociVersion: '1.2.0', root: { path: 'rootfs', readonly: 'yes' } }), [
    'root.readonly: must be a boolean',
  ]);
  t.same(validateConfig('not json object'), ['config: must be an object']);
  t.same(validateConfig(null), ['config: must be an object']);
});

t.test('config: process', async (t) => {
  const empty = fullConfig();
  empty.process.args = [];
  t.same(validateConfig(empty), ['process.args: must be a non-empty array']);

  const noArgs = fullConfig();
  delete noArgs.process.args;
  t.same(validateConfig(noArgs), ['process.args: is required']);

  const noCwd = fullConfig();
  delete noCwd.process.cwd;
  t.same(validateConfig(noCwd), ['process.cwd: is required']);

  const relCwd = fullConfig();
  relCwd.process.cwd = 'home';
  t.same(validateConfig(relCwd), ['process.cwd: must be an absolute path (got "home")']);

  const badArg = fullConfig();
  badArg.process.args = ['sh', 42];
  t.same(validateConfig(badArg), ['process.args[1]: must be a string']);

  const badUser = fullConfig();
  badUser.process.user = { uid: -1 };
  t.same(validateConfig(badUser), ['process.user.gid: is required', 'process.user.uid: must be >= 0 (got -1)']);

  const badCap = fullConfig();
  badCap.process.capabilities.bounding.push('chown');
  t.same(validateConfig(badCap), [
    'process.capabilities.bounding[3]: must be a capability name like CAP_CHOWN (got "chown")',
  ]);
  // Only the shape is checked; unknown-but-well-formed names are the runtime's business.
  const futureCap = fullConfig();
  futureCap.process.capabilities.bounding.push('CAP_FROM_THE_FUTURE');
  t.same(validateConfig(futureCap), []);

  const rlimit = fullConfig();
  rlimit.process.rlimits.push({ type: 'RLIMIT_NPROC', soft: 10 });
  t.same(validateConfig(rlimit), ['process.rlimits[2].hard: is required']);

  const sched = fullConfig();
  sched.process.scheduler = { policy: 'SCHED_FAST' };
  t.same(validateConfig(sched), [
    'process.scheduler.policy: must be one of SCHED_OTHER, SCHED_FIFO, SCHED_RR, SCHED_BATCH, SCHED_ISO, SCHED_IDLE, SCHED_DEADLINE',
  ]);

  const io = fullConfig();
  io.process.ioPriority = { class: 'IOPRIO_CLASS_RT', priority: 9 };
  t.same(validateConfig(io), ['process.ioPriority.priority: must be <= 7 (got 9)']);
});

t.test('config: mounts', async (t) => {
  const c = fullConfig();
  delete c.mounts[2].destination;
  t.same(validateConfig(c), ['mounts[2].destination: is required']);

  const opts = fullConfig();
  opts.mounts[0].options = 'ro,nosuid';
  t.same(validateConfig(opts), ['mounts[0].options: must be an array']);

  const idmap = fullConfig();
  delete idmap.mounts[7].gidMappings;
  t.same(validateConfig(idmap), ['mounts[7].gidMappings: is required when uidMappings is set']);

  const size = fullConfig();
  size.mounts[7].uidMappings[0].size = 4294967296;
  t.same(validateConfig(size), ['mounts[7].uidMappings[0].size: must be <= 4294967295 (got 4294967296)']);
});

t.test('config: hooks', async (t) => {
  const c = fullConfig();
  c.hooks.poststart = [{ path: '/bin/true', timeout: 0 }, { args: ['x'] }, { path: 'relative/hook' }];
  t.same(validateConfig(c), [
    'hooks.poststart[0].timeout: must be >= 1 (got 0)',
    'hooks.poststart[1].path: is required',
    'hooks.poststart[2].path: must be an absolute path (got "relative/hook")',
  ]);
});

t.test('config: linux', async (t) => {
  const ns = fullConfig();
  ns.linux.namespaces[0].type = 'pidfd';
  t.same(validateConfig(ns), [`linux.namespaces[0].type: must be one of ${NAMESPACE_TYPES}`]);

  const dev = fullConfig();
  dev.linux.devices.push({ path: '/dev/null2', type: 'c', major: 1 }, { path: '/dev/x', type: 'x', major: 1, minor: 1 });
  t.same(validateConfig(dev), [
    'linux.devices[3].minor: is required',
    'linux.devices[4].type: must be one of c, b, u, p',
  ]);

  const weight = fullConfig();
  weight.linux.resources.blockIO.weightDevice.push({ major: 8, minor: 32 });
  t.same(validateConfig(weight), ['linux.resources.blockIO.weightDevice[2]: must set at least one of weight, leafWeight']);

  const rdma = fullConfig();
  rdma.linux.resources.rdma.mlx4_0 = {};
  t.same(validateConfig(rdma), ['linux.resources.rdma.mlx4_0: must set at least one of hcaHandles, hcaObjects']);

  const sysctl = fullConfig();
  sysctl.linux.sysctl['net.ipv4.ip_forward'] = 1;
  t.same(validateConfig(sysctl), ['linux.sysctl["net.ipv4.ip_forward"]: must be a string']);

  const prop = fullConfig();
  prop.linux.rootfsPropagation = 'bidirectional';
  t.same(validateConfig(prop), [
    'linux.rootfsPropagation: must be one of shared, slave, private, unbindable, rshared, rslave, rprivate, runbindable',
  ]);

  const pers = fullConfig();
  pers.linux.personality = { domain: 'BSD' };
  t.same(validateConfig(pers), ['linux.personality.domain: must be one of LINUX, LINUX32']);

  const mpol = fullConfig();
  mpol.linux.memoryPolicy = { nodes: '0' };
  t.same(validateConfig(mpol), ['linux.memoryPolicy.mode: is required']);

  const hp = fullConfig();
  hp.linux.resources.hugepageLimits[0].pageSize = '2M';
  t.same(validateConfig(hp), [
    'linux.resources.hugepageLimits[0].pageSize: must be a page size like 64KB, 2MB or 1GB (got "2M")',
  ]);

  const masked = fullConfig();
  masked.linux.maskedPaths.push('proc/kcore');
  t.same(validateConfig(masked), ['linux.maskedPaths[4]: must be an absolute path (got "proc/kcore")']);

  const ann = fullConfig();
  ann.annotations[''] = 'x';
  t.same(validateConfig(ann), ['annotations: keys must not be empty']);
});

t.test('config: seccomp', async (t) => {
  const c = fullConfig();
  c.linux.seccomp.syscalls[1].args[0].op = 'SCMP_CMP_EQUAL';
  c.linux.seccomp.syscalls[0].action = 'SCMP_ACT_PERMIT';
  t.same(validateConfig(c), [
    `linux.seccomp.syscalls[0].action: must be one of ${SECCOMP_ACTIONS}`,
    `linux.seccomp.syscalls[1].args[0].op: must be one of ${SECCOMP_OPS}`,
  ]);

  const d = fullConfig();
  d.linux.seccomp.defaultAction = 'ALLOW';
  t.same(validateConfig(d), [`linux.seccomp.defaultAction: must be one of ${SECCOMP_ACTIONS}`]);

  const names = fullConfig();
  names.linux.seccomp.syscalls[3].names = [];
  delete names.linux.seccomp.syscalls[2].args[0].value;
  t.same(validateConfig(names), [
    'linux.seccomp.syscalls[2].args[0].value: is required',
    'linux.seccomp.syscalls[3].names: must be a non-empty array',
  ]);

  const listener = fullConfig();
  delete listener.linux.seccomp.listenerPath;
  t.same(validateConfig(listener), ['linux.seccomp.listenerPath: is required when listenerMetadata is set']);

  const arch = fullConfig();
  arch.linux.seccomp.architectures = ['SCMP_ARCH_X86_64', 'x86_64'];
  arch.linux.seccomp.flags = ['SECCOMP_FILTER_FLAG_TSYNC', 'SECCOMP_FILTER_FLAG_NEW_LISTENER'];
  const msgs = validateConfig(arch);
  t.equal(msgs.length, 2);
  t.match(msgs[0], /^linux\.seccomp\.architectures\[1\]: must be one of SCMP_ARCH_X86, SCMP_ARCH_X86_64, /);
  t.equal(
    msgs[1],
    'linux.seccomp.flags[1]: must be one of SECCOMP_FILTER_FLAG_TSYNC, SECCOMP_FILTER_FLAG_LOG, SECCOMP_FILTER_FLAG_SPEC_ALLOW, SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV',
  );
});

t.test('config: unknown properties are accepted', async (t) => {
  const c = fullConfig();
  c.someFutureField = { nested: [1, 2, 3] };
  c.process.someFutureProcessField = true;
  c.process.user.username = 'ignored';
  c.root.futureRootOption = 1;
  c.mounts[0].futureMountField = 'x';
  c.linux.futureLinuxField = {};
  c.linux.namespaces[0].futureNsField = 1;
  c.linux.resources.futureController = { x: 1 };
  c.linux.seccomp.syscalls[0].comment = 'allow io';
  c.linux.intelRdt.enableCMT = true;
  c.hooks.futureHook = [{ anything: true }];
  t.same(validateConfig(c), []);
});

t.test('config: many problems are capped', async (t) => {
  const c = fullConfig();
  c.mounts = Array.from({ length: 15 }, () => ({}));
  const msgs = validateConfig(c);
  t.equal(msgs.length, 11);
  t.equal(msgs[0], 'mounts[0].destination: is required');
  t.equal(msgs[10], '... and 5 more problems');
});

t.test('state', async (t) => {
  const state = {
    ociVersion: '1.3.0',
    id: 'oci-container1',
    status: 'running',
    pid: 4422,
    bundle: '/containers/redis',
    annotations: { myKey: 'myValue' },
  };
  t.same(validateState(state), []);
  t.same(validateState({ ...state, status: 'paused' }), [], 'paused accepted');
  t.same(validateState({ ...state, status: 'creating', pid: undefined }), [], 'no pid while creating');
  t.same(validateState({ ...state, status: 'stopped', pid: 0, extra: { x: 1 } }), [], 'extra properties accepted');
  t.same(validateState({ ...state, status: 'exploded' }), [
    'status: must be one of creating, created, running, stopped, paused',
  ]);
  const { pid: _pid, ...noPid } = state;
  t.same(validateState(noPid), ['pid: is required'], 'pid required when running');
  t.same(validateState({ ...state, pid: -1, id: '' }), ['id: must not be empty', 'pid: must be >= 0 (got -1)']);
  t.same(validateState({ ociVersion: '1.3.0', status: 'created', pid: 1 }), ['id: is required', 'bundle: is required']);
  t.same(validateState({ ...state, bundle: 'relative' }), ['bundle: must be an absolute path (got "relative")']);
  t.same(validateState({ ...state, ociVersion: 'v1' }), ['ociVersion: must be a SemVer version like 1.3.0 (got "v1")']);
});

t.test('features', async (t) => {
  const features = {
    ociVersionMin: '1.0.0',
    ociVersionMax: '1.3.0',
    hooks: ['prestart', 'createRuntime', 'createContainer', 'startContainer', 'poststart', 'poststop'],
    mountOptions: ['bind', 'rbind', 'ro', 'rw', 'nosuid', 'nodev', 'noexec', 'idmap', 'ridmap', 'tmpcopyup'],
    linux: {
      namespaces: ['cgroup', 'ipc', 'mount', 'network', 'pid', 'user', 'uts', 'time'],
      capabilities: ['CAP_CHOWN', 'CAP_KILL', 'CAP_SYS_ADMIN', 'CAP_CHECKPOINT_RESTORE'],
      cgroup: { v1: false, v2: true, systemd: false, systemdUser: false, rdma: true },
      seccomp: {
        enabled: true,
        actions: ['SCMP_ACT_ALLOW', 'SCMP_ACT_ERRNO', 'SCMP_ACT_KILL_PROCESS', 'SCMP_ACT_NOTIFY'],
        operators: ['SCMP_CMP_EQ', 'SCMP_CMP_MASKED_EQ', 'SCMP_CMP_NE'],
        archs: ['SCMP_ARCH_AARCH64', 'SCMP_ARCH_X86_64'],
        knownFlags: ['SECCOMP_FILTER_FLAG_TSYNC', 'SECCOMP_FILTER_FLAG_LOG'],
        supportedFlags: ['SECCOMP_FILTER_FLAG_LOG'],
      },
      apparmor: { enabled: false },
      selinux: { enabled: null },
      memoryPolicy: { modes: ['MPOL_DEFAULT', 'MPOL_BIND'], flags: [] },
      intelRdt: { enabled: false, schemata: false, monitoring: false },
      mountExtensions: { idmap: { enabled: true } },
      netDevices: { enabled: true },
    },
    annotations: { 'org.opencontainers.runtime.tsrun.version': '0.1.0' },
    potentiallyUnsafeConfigAnnotations: ['org.systemd.property.'],
  };
  t.same(validateFeatures(features), []);
  t.same(validateFeatures({ ociVersionMin: '1.0.0', ociVersionMax: '1.3.0' }), [], 'only the required fields');
  t.same(
    validateFeatures({ ociVersionMin: '1.0.0', ociVersionMax: '1.3.0', hooks: null, linux: { seccomp: null, cgroup: { v2: null } } }),
    [],
    'null allowed for optional properties',
  );
  t.same(validateFeatures({ ociVersionMax: '1.3.0', ociVersionMin: null }), ['ociVersionMin: must be a string']);
  t.same(validateFeatures({ ...features, hooks: ['prestart', 'preboot'] }), [
    'hooks[1]: must be one of prestart, createRuntime, createContainer, startContainer, poststart, poststop',
  ]);
  t.same(validateFeatures({ ...features, linux: { ...features.linux, cgroup: { v2: 'yes' } } }), [
    'linux.cgroup.v2: must be a boolean or null',
  ]);
  t.same(validateFeatures({ ...features, mountOptions: 'ro' }), ['mountOptions: must be an array or null']);
});

t.test('features enumerations match config enumerations', async (t) => {
  const config = JSON.parse(readFileSync(join(repo, 'oci-schemas', 'config-schema.json'), 'utf8'));
  const features = JSON.parse(readFileSync(join(repo, 'oci-schemas', 'features-schema.json'), 'utf8'));
  const cd = config.definitions;
  const fl = features.definitions.Linux.properties;
  const fs = features.definitions.Seccomp.properties;
  t.same(fl.namespaces.items.enum, cd.NamespaceType.enum, 'namespaces');
  t.same(fl.capabilities.items.pattern, cd.Capability.pattern, 'capabilities');
  t.same(fs.actions.items.enum, cd.SeccompAction.enum, 'seccomp actions');
  t.same(fs.operators.items.enum, cd.SeccompOperator.enum, 'seccomp operators');
  t.same(fs.archs.items.enum, cd.SeccompArch.enum, 'seccomp archs');
  t.same(features.definitions.SeccompFlags.items.enum, cd.SeccompFlag.enum, 'seccomp flags');
  t.same(fl.memoryPolicy.properties.modes.items.enum, cd.MemoryPolicyMode.enum, 'memory policy modes');
  t.same(fl.memoryPolicy.properties.flags.items.enum, cd.MemoryPolicyFlag.enum, 'memory policy flags');
  t.same(features.properties.hooks.items.enum, Object.keys(cd.Hooks.properties), 'hook names');
});
