import type { ContainerRecord, Status } from './record';

export const SPEC_VERSION = '1.3.0';

// The state of runtime-spec (plus runc's rootfs and created, which engines read).
export function ociState(r: ContainerRecord, status: Status) {
  return {
    ociVersion: SPEC_VERSION,
    id: r.id,
    status,
    pid: status === 'stopped' ? 0 : r.pid,
    bundle: r.bundle,
    rootfs: r.rootfs,
    created: r.created,
    annotations: r.spec.annotations ?? {},
  };
}
