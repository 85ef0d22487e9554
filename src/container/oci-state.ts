import type { Spec } from '../spec/types';
import type { Status } from './record';

export const SPEC_VERSION = '1.3.0';

// What the state is made from: a container record, or what create knows before it has one.
export interface StateSource {
  id: string;
  pid: number;
  bundle: string;
  rootfs: string;
  created: string;
  spec: Spec;
}

// The state of runtime-spec (plus runc's rootfs and created, which engines read).
export function ociState(r: StateSource, status: Status) {
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
