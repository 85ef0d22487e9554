// Tests for src/container/features.ts: the features document is valid against
// the features schema and claims no more than tsrun accepts.
import t from 'tap';
import { features, recognisedMountOptions } from '../../src/container/features';
import { CAPABILITIES } from '../../src/plan/capabilities';
import { parseMountOptions } from '../../src/plan/mount-options';
import { seccompFeatures } from '../../src/seccomp/features';
import { unsupportedFields } from '../../src/spec/unsupported';
import { validateFeatures } from '../../src/spec/validate-features';

t.test('valid against oci-schemas/features-schema.json', async (t) => {
  t.same(validateFeatures(features()), []);
  t.same(validateFeatures(features({ lastCap: 40, lsm: 'capability,landlock,yama' })), []);
});

t.test('versions: 1.0.0 up to the version tsrun writes in its state', async (t) => {
  const f = features({ lastCap: 40 });
  t.equal(f.ociVersionMin, '1.0.0');
  t.equal(f.ociVersionMax, '1.3.0');
});

t.test('hooks: the kinds create accepts', async (t) => {
  const f = features({ lastCap: 40 });
  for (const kind of ['prestart', 'createRuntime', 'createContainer', 'startContainer', 'poststart', 'poststop'] as const) {
    const refused = unsupportedFields({ ociVersion: '1.3.0', hooks: { [kind]: [{ path: '/bin/true' }] } }).length > 0;
    t.equal(f.hooks.includes(kind), !refused, kind);
  }
});

t.test('mount options: those the parser turns into flags, propagation or a bind', async (t) => {
  const opts = recognisedMountOptions();
  for (const o of ['ro', 'rw', 'nosuid', 'nodev', 'noexec', 'bind', 'rbind', 'rprivate', 'shared', 'defaults', 'strictatime']) t.ok(opts.includes(o), o);
  for (const o of opts) t.same(parseMountOptions([o]).data, [], `${o} is not passed on as filesystem data`);
  t.notOk(opts.includes('acl'), 'a filesystem-specific option is not listed');
});

t.test('capabilities up to the kernel\'s last one', async (t) => {
  t.same(features({ lastCap: 40 }).linux.capabilities, CAPABILITIES.slice(0, 41));
  t.same(features({ lastCap: 37 }).linux.capabilities, CAPABILITIES.slice(0, 38), 'an older kernel: fewer names');
  t.equal(features({ lastCap: 37 }).linux.capabilities.at(-1), 'CAP_AUDIT_READ');
});

t.test('linux: namespaces, cgroup managers, seccomp from src/seccomp/features.ts', async (t) => {
  const l = features({ lastCap: 40 }).linux;
  t.same(l.namespaces, ['cgroup', 'ipc', 'mount', 'network', 'pid', 'time', 'user', 'uts']);
  t.same(l.cgroup, { v1: true, v2: true, systemd: false, systemdUser: false, rdma: false });
  t.same(l.seccomp, seccompFeatures());
  t.equal(l.intelRdt.enabled, false);
});

t.test('annotations: the version, and the host\'s LSMs when known', async (t) => {
  t.same(Object.keys(features({ lastCap: 40 }).annotations), ['org.tsrun.version']);
  t.equal(features({ lastCap: 40, lsm: 'capability,yama' }).annotations['org.tsrun.host.lsm'], 'capability,yama');
});
