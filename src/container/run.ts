import { createContainer, type CreateOptions } from './create';
import { deleteContainer } from './delete';
import { startContainer } from './start';

const FORWARDED: NodeJS.Signals[] = ['SIGINT', 'SIGTERM', 'SIGHUP', 'SIGQUIT', 'SIGUSR1', 'SIGUSR2', 'SIGWINCH'];

// run: create and start. Detached, it returns at once; in the foreground it
// forwards signals to the container, waits for it, deletes it and returns
// its exit code (128+N when signal N ended it).
export async function runContainer(o: Omit<CreateOptions, 'foreground'>, detach: boolean): Promise<number> {
  const created = await createContainer({ ...o, foreground: !detach });
  if (detach) {
    await startContainer(o.root, o.id);
    return 0;
  }
  const forward = (sig: NodeJS.Signals) => {
    try { process.kill(created.record.pid, sig); } catch { /* exited */ }
  };
  for (const s of FORWARDED) process.on(s, forward);
  try {
    await startContainer(o.root, o.id);
    return await created.helper.exited;
  } finally {
    for (const s of FORWARDED) process.off(s, forward);
    await deleteContainer(o.root, o.id, true);
  }
}
