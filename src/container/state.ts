import { ociState } from './oci-state';
import { ContainerDir, statusOf } from './record';

export function containerState(root: string, id: string) {
  const dir = new ContainerDir(root, id);
  const r = dir.read();
  return ociState(r, statusOf(dir, r));
}
