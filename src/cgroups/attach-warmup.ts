import { closeSync, openSync, write } from 'node:fs';
import { join } from 'node:path';
import { hierarchyKey, ownCgroups, type CgroupLayout } from './layout';
import { cgroupDir } from './manager';

// Moving a process into a cgroup takes a kernel lock whose first taker,
// after a quiet spell, waits for an RCU grace period: 5 to 40 ms here, the
// largest single wait of a create. Writers that follow within about one
// more grace period pass at once. So tsrun starts that wait early and off
// the main thread, by writing its own pid into the cgroup it is already in
// (a move to where it is, which changes nothing), and moves the init later,
// when the lock is warm. The writer holds the cgroup mutex while it waits,
// so start it after the container's cgroups are made and set up (mkdir and
// limit writes would wait behind it), before work that does not touch
// cgroups: starting the helper and sending it the plan. Only a speed-up:
// errors are ignored, and a kernel that does not need it loses nothing.
export function warmUpCgroupAttach(layout: CgroupLayout): void {
  const h = layout.hierarchies[0];
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
