import { existsSync } from 'node:fs';
import { UserError } from '../util/errors';
import { destroyContainer } from './destroy';
import { runHooksWarning } from './hooks';
import { ociState } from './oci-state';
import { ContainerDir, statusOf } from './record';

// delete: only a stopped container, unless --force, which kills it first.
// --force of an id that does not exist succeeds, as engines expect.
export async function deleteContainer(root: string, id: string, force: boolean): Promise<void> {
  const dir = new ContainerDir(root, id);
  if (!dir.exists()) {
    if (force) {
      if (existsSync(dir.dir)) dir.remove(); // claimed by a create that died before writing
      return;
    }
    throw new UserError(`container ${id} does not exist`);
  }
  const unlock = dir.lock();
  try {
    const r = dir.read();
    const status = statusOf(dir, r);
    if (status !== 'stopped' && !force) {
      throw new UserError(`cannot delete container ${id} that is not stopped: ${status}`);
    }
    destroyContainer(dir, r);
    // The spec: a failing poststop hook is logged; the others and delete go on.
    await runHooksWarning('poststop', r.spec.hooks?.poststop, ociState(r, 'stopped'), (m) => process.stderr.write(`warning: ${m}\n`));
  } finally {
    unlock();
  }
}
