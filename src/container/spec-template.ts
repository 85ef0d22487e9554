import { existsSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Mount, Spec } from '../spec/types';
import { UserError, errorCode } from '../util/errors';
import { SPEC_VERSION } from './oci-state';

const CAPS = ['CAP_AUDIT_WRITE', 'CAP_KILL', 'CAP_NET_BIND_SERVICE'];

// A starting config.json, as `runc spec` writes one: `sh` on a terminal in a
// read-only rootfs/, the usual namespaces, mounts and masked paths.
// Rootless (runc's --rootless): a user namespace mapping root in the
// container to the caller's uid and gid, no network namespace (it could not
// be configured), /sys bound from the host instead of a new sysfs (which a
// user namespace may not mount without a network namespace of its own), no
// uid= or gid= mount options (gid 5 of devpts is not mapped) and no cgroup
// resources.
export function specTemplate(opts: { rootless?: boolean; uid?: number; gid?: number } = {}): Spec {
  const mounts: Mount[] = [
    { destination: '/proc', type: 'proc', source: 'proc' },
    { destination: '/dev', type: 'tmpfs', source: 'tmpfs', options: ['nosuid', 'strictatime', 'mode=755', 'size=65536k'] },
    { destination: '/dev/pts', type: 'devpts', source: 'devpts', options: ['nosuid', 'noexec', 'newinstance', 'ptmxmode=0666', 'mode=0620', 'gid=5'] },
    { destination: '/dev/shm', type: 'tmpfs', source: 'shm', options: ['nosuid', 'noexec', 'nodev', 'mode=1777', 'size=65536k'] },
    { destination: '/dev/mqueue', type: 'mqueue', source: 'mqueue', options: ['nosuid', 'noexec', 'nodev'] },
    { destination: '/sys', type: 'sysfs', source: 'sysfs', options: ['nosuid', 'noexec', 'nodev', 'ro'] },
    { destination: '/sys/fs/cgroup', type: 'cgroup', source: 'cgroup', options: ['nosuid', 'noexec', 'nodev', 'relatime', 'ro'] },
  ];
  const spec: Spec = {
    ociVersion: SPEC_VERSION,
    process: {
      terminal: true,
      user: { uid: 0, gid: 0 },
      args: ['sh'],
      env: ['PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin', 'TERM=xterm'],
      cwd: '/',
      // No inheritable set, hence no ambient one either: the kernel raises
      // an ambient capability only if it is inheritable (runc's template
      // dropped both for that reason).
      capabilities: { bounding: [...CAPS], effective: [...CAPS], permitted: [...CAPS] },
      rlimits: [{ type: 'RLIMIT_NOFILE', hard: 1024, soft: 1024 }],
      noNewPrivileges: true,
    },
    root: { path: 'rootfs', readonly: true },
    hostname: 'tsrun',
    mounts,
    linux: {
      resources: { devices: [{ allow: false, access: 'rwm' }] },
      namespaces: [{ type: 'pid' }, { type: 'network' }, { type: 'ipc' }, { type: 'uts' }, { type: 'mount' }],
      maskedPaths: [
        '/proc/acpi', '/proc/asound', '/proc/kcore', '/proc/keys', '/proc/latency_stats', '/proc/timer_list',
        '/proc/timer_stats', '/proc/sched_debug', '/sys/firmware', '/proc/scsi',
      ],
      readonlyPaths: ['/proc/bus', '/proc/fs', '/proc/irq', '/proc/sys', '/proc/sysrq-trigger'],
    },
  };
  if (!opts.rootless) return spec;
  const linux = spec.linux!;
  linux.namespaces = [...linux.namespaces!.filter((n) => n.type !== 'network'), { type: 'user' }];
  linux.uidMappings = [{ containerID: 0, hostID: opts.uid ?? process.geteuid!(), size: 1 }];
  linux.gidMappings = [{ containerID: 0, hostID: opts.gid ?? process.getegid!(), size: 1 }];
  delete linux.resources;
  spec.mounts = mounts.map((m) => {
    if (m.destination === '/sys') return { destination: '/sys', type: 'none', source: '/sys', options: ['rbind', 'nosuid', 'noexec', 'nodev', 'ro'] };
    // Ids in mount options name host ids the user namespace may not map.
    return m.options ? { ...m, options: m.options.filter((o) => !/^[ug]id=/.test(o)) } : m;
  });
  return spec;
}

// Writes config.json into the bundle directory; refuses to overwrite one.
export function writeSpec(bundle: string, spec: Spec): string {
  let isDir = false;
  try {
    isDir = statSync(bundle).isDirectory();
  } catch (e) {
    if (errorCode(e) !== 'ENOENT') throw e;
  }
  if (!isDir) throw new UserError(`spec: --bundle ${bundle} is not a directory`);
  const file = join(bundle, 'config.json');
  if (existsSync(file)) throw new UserError(`spec: ${file} exists already; remove it first`);
  try {
    writeFileSync(file, JSON.stringify(spec, null, '\t'), { flag: 'wx', mode: 0o666 });
  } catch (e) {
    if (errorCode(e) === 'EEXIST') throw new UserError(`spec: ${file} exists already; remove it first`);
    throw e;
  }
  return file;
}
