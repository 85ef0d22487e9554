// Test images made here, since no registry is reachable: the busybox rootfs
// of scripts/make-rootfs.sh as a tar (for `docker import`, `podman import`),
// and the same layer as an OCI image layout archive (for `ctr image import`).
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { TOP } from '../tsrun';
import type { Scratch } from './scratch';

export const IMAGE = 'tsrun-test/busybox';
export const IMAGE_ENV = ['PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin'];

function sh(argv: string[]): void {
  const r = spawnSync(argv[0], argv.slice(1), { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`${argv.join(' ')}: ${r.stderr}`);
}

// The rootfs as one uncompressed tar: a filesystem image layer.
export function busyboxTar(s: Scratch): string {
  const rootfs = s.path('image-rootfs');
  const tar = s.path('busybox.tar');
  sh(['sh', join(TOP, 'scripts/make-rootfs.sh'), rootfs]);
  sh(['tar', '-C', rootfs, '-cf', tar, '.']);
  return tar;
}

const sha256 = (b: Buffer | string) => createHash('sha256').update(b).digest('hex');

// An OCI image layout (oci-layout, index.json, blobs/sha256/...) with one
// layer, tarred: what `ctr image import` takes. `name` goes in the index
// annotations that containerd reads the image name from.
export function ociArchive(s: Scratch, layerTar: string, name: string): string {
  const dir = s.path('oci-layout');
  const blobs = join(dir, 'blobs', 'sha256');
  mkdirSync(blobs, { recursive: true });
  const blob = (content: Buffer | string, mediaType: string) => {
    const digest = sha256(content);
    writeFileSync(join(blobs, digest), content);
    return { mediaType, digest: `sha256:${digest}`, size: Buffer.byteLength(content) };
  };
  const layerBytes = readFileSync(layerTar);
  const layer = blob(layerBytes, 'application/vnd.oci.image.layer.v1.tar');
  const config = blob(JSON.stringify({
    architecture: { x64: 'amd64', arm64: 'arm64' }[process.arch as string] ?? process.arch,
    os: 'linux',
    config: { Env: IMAGE_ENV, Cmd: ['sh'] },
    rootfs: { type: 'layers', diff_ids: [layer.digest] }, // uncompressed: the diff id is the layer digest
  }), 'application/vnd.oci.image.config.v1+json');
  const manifest = blob(JSON.stringify({
    schemaVersion: 2,
    mediaType: 'application/vnd.oci.image.manifest.v1+json',
    config,
    layers: [layer],
  }), 'application/vnd.oci.image.manifest.v1+json');
  writeFileSync(join(dir, 'oci-layout'), JSON.stringify({ imageLayoutVersion: '1.0.0' }));
  writeFileSync(join(dir, 'index.json'), JSON.stringify({
    schemaVersion: 2,
    manifests: [{ ...manifest, annotations: { 'io.containerd.image.name': name, 'org.opencontainers.image.ref.name': 'latest' } }],
  }));
  const archive = s.path('busybox-oci.tar');
  sh(['tar', '-C', dir, '-cf', archive, '.']);
  return archive;
}
