// Where a container's cgroup files are, on this host and inside the
// container (with a `cgroup` mount at /sys/fs/cgroup), for tests that run
// on v1/hybrid hosts and in the cgroup-v2 guest alike.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { TOP, tsrun, type Bundle, type TestLike } from './tsrun';
import { cgroupDir, detectLayout } from '../../src/cgroups/layout';
import type { Spec } from '../../src/spec/types';

export const LAYOUT = detectLayout();
export const V2 = LAYOUT.mode === 'unified';

// The host directory holding a controller's files for container `id`
// (default cgroup path /tsrun/<id>): its v1 hierarchy, else cgroup2.
export function hostDir(id: string, controller: string): string {
  const v1 = LAYOUT.hierarchies.find((h) => h.version === 1 && h.controllers.includes(controller));
  if (v1) return cgroupDir(v1, `/tsrun/${id}`);
  return cgroupDir(LAYOUT.hierarchies.find((h) => h.version === 2)!, `/tsrun/${id}`);
}

export function unifiedHostDir(id: string): string | undefined {
  const h = LAYOUT.hierarchies.find((x) => x.version === 2);
  return h && cgroupDir(h, `/tsrun/${id}`);
}

export function readCg(id: string, controller: string, file: string): string {
  return readFileSync(join(hostDir(id, controller), file), 'utf8').trim();
}

// The same file as the container sees it through its cgroup mount.
export function insidePath(controller: string, file: string): string {
  if (V2) return `/sys/fs/cgroup/${file}`;
  const v1 = LAYOUT.hierarchies.find((h) => h.version === 1 && h.controllers.includes(controller));
  return v1 ? `/sys/fs/cgroup/${v1.controllers.join(',')}/${file}` : `/sys/fs/cgroup/unified/${file}`;
}

// A cgroup namespace and a read-only cgroup mount, so that the container sees its own values.
export function withCgroupMount(spec: Spec): Spec {
  spec.mounts!.push({ destination: '/sys/fs/cgroup', type: 'cgroup', source: 'cgroup', options: ['ro', 'nosuid', 'nodev', 'noexec'] });
  spec.linux!.namespaces!.push({ type: 'cgroup' });
  return spec;
}

// "major:minor" of a block device the kernel can throttle, if the host has one.
export function someBlockDevice(): { major: number; minor: number } | undefined {
  let names: string[] = [];
  try {
    names = readdirSync('/sys/block');
  } catch {
    return undefined;
  }
  for (const n of names.sort((a, b) => Number(a.startsWith('loop')) - Number(b.startsWith('loop')))) {
    const dev = join('/sys/block', n, 'dev');
    if (!existsSync(dev)) continue;
    const [major, minor] = readFileSync(dev, 'utf8').trim().split(':').map(Number);
    return { major, minor };
  }
  return undefined;
}

// v1's "no limit" memory value and v2's.
export const NO_LIMIT = V2 ? 'max' : '9223372036854771712';

// Bundles for the cgroup tests: like makeBundle, but the rootfs is copied
// from one made once per test file. make-rootfs.sh forks once per busybox
// applet, which in the cgroup-v2 guest (fork+exec 40 times slower) costs
// about 20 s a bundle; one `cp -a` costs well under one.
let template: string | undefined;

function rootfsTemplate(): string {
  if (template) return template;
  const dir = mkdtempSync(join(tmpdir(), 'tsrun-rootfs-'));
  process.on('exit', () => rmSync(dir, { recursive: true, force: true }));
  const made = spawnSync('sh', [join(TOP, 'scripts/make-rootfs.sh'), join(dir, 'rootfs')], { encoding: 'utf8' });
  if (made.status !== 0) throw new Error(`make-rootfs failed: ${made.stderr}`);
  template = join(dir, 'rootfs');
  return template;
}

export function makeCgBundle(t: TestLike, spec: Spec): Bundle {
  const dir = mkdtempSync(join(tmpdir(), 'tsrun-bundle-'));
  const rootfs = join(dir, 'rootfs');
  const copied = spawnSync('cp', ['-a', rootfsTemplate(), rootfs], { encoding: 'utf8' });
  if (copied.status !== 0) throw new Error(`cp -a of the rootfs failed: ${copied.stderr}`);
  const b: Bundle = {
    dir, rootfs, root: join(dir, 'state'), spec, ids: [],
    write() {
      writeFileSync(join(dir, 'config.json'), JSON.stringify(b.spec, null, 2));
    },
    run(args, opts = {}) {
      return tsrun(['--root', b.root, ...args], opts);
    },
  };
  b.write();
  t.teardown(() => {
    if (existsSync(b.root)) for (const id of readdirSync(b.root)) tsrun(['--root', b.root, 'delete', '--force', id]);
    rmSync(dir, { recursive: true, force: true });
  });
  return b;
}
