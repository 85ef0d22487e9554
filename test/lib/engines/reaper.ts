// node reaper.js TEST-PID SCRATCH-DIR: waits for the test process to end;
// if the scratch directory is still there, the test did not clean up, so
// it removes what leftovers.json records (daemons, tsrun containers,
// processes naming the directory, cgroups, mounts) and the directory.
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { sleepSync } from './command';
import { isAlive } from './daemon';
import { removeLeftovers, type Leftovers } from './leftovers';

const [testPid, dir] = [Number(process.argv[2]), process.argv[3]];
while (isAlive(testPid)) sleepSync(500);
const record = join(dir, 'leftovers.json');
if (existsSync(record)) {
  removeLeftovers(dir, JSON.parse(readFileSync(record, 'utf8')) as Leftovers, () => {});
}
