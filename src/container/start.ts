import { closeSync, constants, openSync, unlinkSync, writeSync } from 'node:fs';
import { UserError, errorCode } from '../util/errors';
import { runHooks } from './hooks';
import { ociState } from './oci-state';
import { ContainerDir, statusOf } from './record';
import { HELPER_COMM, readProcStat } from './proc';
import { sleepSync } from '../util/sleep';

// Until the init has replaced itself with the process (its comm is no
// longer the helper's; a zombie keeps its comm). False if it died first.
function waitForExec(pid: number, startTime: string): boolean {
  for (;;) {
    const st = readProcStat(pid);
    if (!st || st.startTime !== startTime) return true; // reaped already: nothing more to learn
    if (!st.comm.startsWith(HELPER_COMM)) return true;
    if (st.state === 'Z' || st.state === 'X') return false;
    sleepSync(1);
  }
}

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
    const hooks = r.spec.hooks ?? {};
    if (!hooks.startContainer?.length && !hooks.poststart?.length) return;
    // startContainer hooks run in the init before it execs; poststart hooks
    // run once the process has been executed, and a failure stops it.
    if (!waitForExec(r.pid, r.pidStartTime)) {
      throw new UserError(`cannot start container ${id}: its init exited before running the process (a startContainer hook or execve failed; the container's stderr says which)`);
    }
    try {
      await runHooks('poststart', hooks.poststart, ociState(r, 'running'));
    } catch (e) {
      try { process.kill(r.pid, 'SIGKILL'); } catch { /* gone */ }
      throw e;
    }
  } finally {
    unlock();
  }
}
