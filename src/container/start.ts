import { closeSync, constants, openSync, unlinkSync, writeSync } from 'node:fs';
import { UserError, errorCode } from '../util/errors';
import { runHooks } from './hooks';
import { ociState } from './oci-state';
import { ContainerDir, statusOf } from './record';

// start: one byte into the exec fifo lets the waiting init execve the process.
export async function startContainer(root: string, id: string): Promise<void> {
  const dir = new ContainerDir(root, id);
  const unlock = dir.lock();
  try {
    const r = dir.read();
    const status = statusOf(dir, r);
    if (status !== 'created') throw new UserError(`cannot start container ${id}: it is ${status}, not created`);
    if (!r.spec.process) throw new UserError(`cannot start container ${id}: config.json has no process to run`);
    let fd: number;
    try {
      // Non-blocking: with no reader (the init died) this fails with ENXIO instead of hanging.
      fd = openSync(dir.fifo, constants.O_WRONLY | constants.O_NONBLOCK);
    } catch (e) {
      if (errorCode(e) === 'ENXIO') throw new UserError(`cannot start container ${id}: its init has exited`);
      throw e;
    }
    writeSync(fd, '0');
    closeSync(fd);
    unlinkSync(dir.fifo);
    await runHooks('poststart', r.spec.hooks?.poststart, ociState(r, 'running'));
  } finally {
    unlock();
  }
}
