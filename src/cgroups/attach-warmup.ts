import { closeSync, openSync, write } from 'node:fs';
import { join } from 'node:path';
import { cgroupDir, detectLayout, hierarchyKey, ownCgroups, type CgroupLayout } from './layout';

// Moving a process into a cgroup takes a kernel lock whose first taker,
// after a quiet spell, waits for an RCU grace period: 5 to 40 ms here, the
// largest single wait of a create. Writers that follow within about one
// more grace period pass at once, and each one keeps the lock warm for
// another. So tsrun starts that wait early and off the main thread, by
// writing its own pid into the cgroup it is already in (a move to where it
// is, which changes nothing), and moves the init later, when the lock is
// warm. main.ts does it first, as soon as it knows the command moves a
// process (the wait then runs while the command's code loads); create and
// exec do it again just before they start the helper, to keep the lock warm
// until the init is moved. The writer holds the cgroup mutex while it
// waits, so a mkdir can wait behind it; the first wait is over by the time
// create makes its cgroups. Only a speed-up: errors are ignored, and a
// kernel that does not need it loses nothing.
export function warmUpCgroupAttach(layout?: CgroupLayout): void {
  let h;
  try {
    h = (layout ?? detectLayout()).hierarchies[0];
  } catch {
    return;
  }
  if (!h) return;
  let own: string | undefined;
  try {
    own = ownCgroups().get(hierarchyKey(h));
  } catch {
    return;
  }
  if (own === undefined) return;
  // Opened here and written on the thread pool in one request: writeFile
  // would need the main thread between its steps, which is busy until the
  // init is cloned.
  let fd: number;
  try {
    fd = openSync(join(cgroupDir(h, own), 'cgroup.procs'), 'w');
  } catch {
    return;
  }
  write(fd, String(process.pid), () => closeSync(fd));
}
