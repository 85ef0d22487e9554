// Tests for src/spec/semantics.ts checkSemantics: the rules a JSON Schema
// cannot express, each problem naming its field.

import t from 'tap';
import { checkSemantics } from '../../src/spec/semantics';
import type { Spec } from '../../src/spec/types';

function good(): Spec {
  return {
    ociVersion: '1.3.0',
    root: { path: 'rootfs' },
    hostname: 'box',
    process: {
      user: { uid: 0, gid: 0 },
      args: ['sh'],
      cwd: '/',
      capabilities: { bounding: ['CAP_KILL', 'CAP_CHECKPOINT_RESTORE'], effective: ['CAP_KILL'] },
      rlimits: [{ type: 'RLIMIT_NOFILE', soft: 1024, hard: 1024 }, { type: 'RLIMIT_CORE', soft: 0, hard: 10 }],
    },
    mounts: [{ destination: '/proc', type: 'proc', source: 'proc' }],
    linux: {
      namespaces: [{ type: 'pid' }, { type: 'mount' }, { type: 'uts' }, { type: 'network', path: '/run/netns/x' }],
    },
  };
}

const check = (spec: Spec, lastCap = 40) => checkSemantics(spec, lastCap);

t.test('a good config has no problems', async (t) => {
  t.same(check(good()), []);
  const withUser = good();
  withUser.linux!.namespaces!.push({ type: 'user' }, { type: 'time' });
  withUser.linux!.uidMappings = [{ containerID: 0, hostID: 1000, size: 1 }];
  withUser.linux!.gidMappings = [{ containerID: 0, hostID: 1000, size: 1 }];
  withUser.linux!.timeOffsets = { monotonic: { secs: 1 } };
  withUser.linux!.rootfsPropagation = 'rprivate';
  t.same(check(withUser), []);
});

t.test('root is required', async (t) => {
  const spec = good();
  delete spec.root;
  t.same(check(spec), ['root: is required on Linux']);
});

t.test('namespaces', async (t) => {
  t.test('one listed twice', async (t) => {
    const spec = good();
    spec.linux!.namespaces!.push({ type: 'pid', path: '/proc/1/ns/pid' });
    t.same(check(spec), ['linux.namespaces[4]: the pid namespace is listed twice']);
  });

  t.test('no mount namespace: allowed, without a root propagation', async (t) => {
    const spec = good();
    spec.linux!.namespaces = spec.linux!.namespaces!.filter((n) => n.type !== 'mount');
    t.same(check(spec), []);
    spec.linux!.rootfsPropagation = 'rshared';
    t.same(check(spec), ['linux.rootfsPropagation: needs a mount namespace (it would change the host\'s mounts)']);
    delete spec.linux;
    delete spec.hostname;
    t.same(check(spec), [], 'no linux section');
  });

  t.test('a new user namespace without mappings', async (t) => {
    const spec = good();
    spec.linux!.namespaces!.push({ type: 'user' });
    t.same(check(spec), [
      'linux.uidMappings: a new user namespace needs uid mappings',
      'linux.gidMappings: a new user namespace needs gid mappings',
    ]);
    spec.linux!.uidMappings = [{ containerID: 0, hostID: 1000, size: 1 }];
    t.same(check(spec), ['linux.gidMappings: a new user namespace needs gid mappings']);
  });

  t.test('a joined user namespace needs no mappings', async (t) => {
    const spec = good();
    spec.linux!.namespaces!.push({ type: 'user', path: '/proc/1/ns/user' });
    t.same(check(spec), []);
  });

  t.test('mappings without a user namespace', async (t) => {
    const spec = good();
    spec.linux!.uidMappings = [{ containerID: 0, hostID: 1000, size: 1 }];
    t.same(check(spec), ['linux.uidMappings: id mappings need a user namespace']);
    const gidOnly = good();
    gidOnly.linux!.gidMappings = [{ containerID: 0, hostID: 1000, size: 1 }];
    t.same(check(gidOnly), ['linux.uidMappings: id mappings need a user namespace']);
  });

  t.test('hostname and domainname without a uts namespace', async (t) => {
    const spec = good();
    spec.domainname = 'example.test';
    spec.linux!.namespaces = spec.linux!.namespaces!.filter((n) => n.type !== 'uts');
    t.same(check(spec), [
      'hostname: setting a hostname needs a uts namespace',
      'domainname: setting a domain name needs a uts namespace',
    ]);
    spec.linux!.namespaces.push({ type: 'uts', path: '/proc/1/ns/uts' });
    t.same(check(spec), [], 'a joined one will do');
    spec.linux!.namespaces.pop();
    spec.hostname = '';
    spec.domainname = '';
    t.same(check(spec), [], 'empty names need nothing');
  });

  t.test('timeOffsets without a new time namespace', async (t) => {
    const spec = good();
    spec.linux!.timeOffsets = { boottime: { secs: 5 } };
    t.same(check(spec), ['linux.timeOffsets: time offsets need a new time namespace']);
  });

  t.test('an unknown rootfsPropagation', async (t) => {
    const spec = good();
    spec.linux!.rootfsPropagation = 'sideways';
    t.same(check(spec), ['linux.rootfsPropagation: unknown propagation "sideways"']);
  });
});

t.test('capabilities', async (t) => {
  t.test('an unknown name', async (t) => {
    const spec = good();
    spec.process!.capabilities!.bounding!.push('CAP_TEST');
    t.same(check(spec), ['process.capabilities.bounding[2]: unknown capability "CAP_TEST" (this kernel\'s last is 40)']);
  });

  t.test('every set is checked', async (t) => {
    const spec = good();
    spec.process!.capabilities = {
      effective: ['CAP_KILL', 'kill'],
      permitted: ['CAP_FOO'],
      inheritable: ['CAP_BAR'],
      ambient: ['CAP_BAZ'],
    };
    t.same(check(spec), [
      'process.capabilities.effective[1]: unknown capability "kill" (this kernel\'s last is 40)',
      'process.capabilities.permitted[0]: unknown capability "CAP_FOO" (this kernel\'s last is 40)',
      'process.capabilities.inheritable[0]: unknown capability "CAP_BAR" (this kernel\'s last is 40)',
      'process.capabilities.ambient[0]: unknown capability "CAP_BAZ" (this kernel\'s last is 40)',
    ]);
  });

  t.test('one above the kernel\'s last capability', async (t) => {
    t.same(check(good(), 39), [
      'process.capabilities.bounding[1]: unknown capability "CAP_CHECKPOINT_RESTORE" (this kernel\'s last is 39)',
    ]);
    t.same(check(good(), 40), []);
  });
});

t.test('rlimits', async (t) => {
  t.test('an unknown one', async (t) => {
    const spec = good();
    spec.process!.rlimits!.push({ type: 'RLIMIT_FOO', soft: 1, hard: 1 });
    t.same(check(spec), ['process.rlimits[2].type: unknown rlimit "RLIMIT_FOO"']);
  });

  t.test('one listed twice', async (t) => {
    const spec = good();
    spec.process!.rlimits!.push({ type: 'RLIMIT_NOFILE', soft: 10, hard: 10 });
    t.same(check(spec), ['process.rlimits[2].type: RLIMIT_NOFILE is listed twice']);
  });

  t.test('soft above hard', async (t) => {
    const spec = good();
    spec.process!.rlimits![1] = { type: 'RLIMIT_CORE', soft: 11, hard: 10 };
    t.same(check(spec), ['process.rlimits[1]: soft limit 11 is above the hard limit 10']);
  });
});

t.test('paths must be absolute', async (t) => {
  const spec = good();
  spec.process!.cwd = 'work';
  t.same(check(spec), ['process.cwd: must be an absolute path, not "work"']);

  const mounts = good();
  mounts.mounts!.push({ destination: 'data', type: 'tmpfs', source: 'tmpfs' });
  t.same(check(mounts), ['mounts[1].destination: must be an absolute path, not "data"']);
});

t.test('several problems are all reported, in order', async (t) => {
  const spec = good();
  delete spec.root;
  spec.process!.cwd = '.';
  spec.process!.capabilities = { bounding: ['CAP_TEST'] };
  spec.linux!.namespaces!.push({ type: 'mount' });
  t.same(check(spec), [
    'root: is required on Linux',
    'linux.namespaces[4]: the mount namespace is listed twice',
    'process.capabilities.bounding[0]: unknown capability "CAP_TEST" (this kernel\'s last is 40)',
    'process.cwd: must be an absolute path, not "."',
  ]);
});
