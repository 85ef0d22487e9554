// Tests for src/container/spec-template.ts: the config `tsrun spec` writes is
// valid, passes tsrun's own rules, and the rootless one maps the caller.
import t from 'tap';
import { specTemplate } from '../../src/container/spec-template';
import { validateConfig } from '../../src/spec/validate';
import { checkSemantics } from '../../src/spec/semantics';

t.test('the default config', async (t) => {
  const s = specTemplate();
  t.same(validateConfig(s), [], 'valid against the config schema');
  t.same(checkSemantics(s, 40), [], 'and tsrun\'s own rules');
  t.equal(s.ociVersion, '1.3.0');
  t.same(s.process!.args, ['sh']);
  t.equal(s.process!.terminal, true, 'sh on a terminal, as runc spec');
  t.same(s.root, { path: 'rootfs', readonly: true });
  t.same(s.linux!.namespaces!.map((n) => n.type), ['pid', 'network', 'ipc', 'uts', 'mount']);
  t.notOk(s.linux!.uidMappings);
  t.same(s.linux!.resources, { devices: [{ allow: false, access: 'rwm' }] });
});

t.test('rootless: a user namespace mapping the caller, no network namespace', async (t) => {
  const s = specTemplate({ rootless: true, uid: 1000, gid: 1001 });
  t.same(validateConfig(s), []);
  t.same(checkSemantics(s, 40), []);
  const types = s.linux!.namespaces!.map((n) => n.type);
  t.ok(types.includes('user'));
  t.notOk(types.includes('network'));
  t.same(s.linux!.uidMappings, [{ containerID: 0, hostID: 1000, size: 1 }]);
  t.same(s.linux!.gidMappings, [{ containerID: 0, hostID: 1001, size: 1 }]);
  t.notOk(s.linux!.resources, 'no cgroup settings an unprivileged user could not apply');
  t.same(s.mounts!.find((m) => m.destination === '/sys'), { destination: '/sys', type: 'none', source: '/sys', options: ['rbind', 'nosuid', 'noexec', 'nodev', 'ro'] });
  for (const m of s.mounts!) t.notOk(m.options?.some((o) => /^[ug]id=/.test(o)), `${m.destination}: no uid= or gid= option`);
});

t.test('rootless without ids given: the caller\'s effective ids', async (t) => {
  const s = specTemplate({ rootless: true });
  t.equal(s.linux!.uidMappings![0].hostID, process.geteuid!());
  t.equal(s.linux!.gidMappings![0].hostID, process.getegid!());
});
