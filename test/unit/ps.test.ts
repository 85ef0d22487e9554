// Tests for the pure parts of ps: filtering the host's ps output by pid, and
// collecting the pids of a cgroup and the cgroups below it.
import t from 'tap';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Cgroup } from '../../src/cgroups/manager';
import { filterPsOutput } from '../../src/container/ps';

const PS_EF = [
  'UID          PID    PPID  C STIME TTY          TIME CMD',
  'root           1       0  0 07:00 ?        00:00:01 /sbin/init',
  'root         120       1  0 07:01 ?        00:00:00 sh -c sleep 1000 & wait',
  'root         121     120  0 07:01 ?        00:00:00 sleep 1000',
  'root        1120       1  0 07:01 ?        00:00:00 sleep 121',
  '',
].join('\n');

t.test('keeps the header and the lines of the given pids', async (t) => {
  t.equal(filterPsOutput(PS_EF, [120, 121]), [PS_EF.split('\n')[0], PS_EF.split('\n')[2], PS_EF.split('\n')[3]].join('\n') + '\n');
  t.equal(filterPsOutput(PS_EF, []), PS_EF.split('\n')[0] + '\n', 'no pids: only the header');
  t.equal(filterPsOutput(PS_EF, [99999]), PS_EF.split('\n')[0] + '\n');
});

t.test('finds the PID column wherever ps puts it', async (t) => {
  const out = 'COMMAND   PID\nsleep     121\nsh        120\nbash      7\n';
  t.equal(filterPsOutput(out, [121]), 'COMMAND   PID\nsleep     121\n');
});

t.test('ps output without a PID column is an error that says so', async (t) => {
  t.throws(() => filterPsOutput('COMMAND\nsleep\n', [1]), /no PID column \(header: "COMMAND"\)/);
});

t.test('a pid column holding something else than a number is skipped', async (t) => {
  t.equal(filterPsOutput('PID CMD\n- x\n12 y\n', [12]), 'PID CMD\n12 y\n');
});

t.test('Cgroup.allPids walks the cgroups below the container\'s', async (t) => {
  const top = mkdtempSync(join(tmpdir(), 'tsrun-pids-'));
  t.teardown(() => rmSync(top, { recursive: true, force: true }));
  const cg = new Cgroup({ mode: 'legacy', hierarchies: [{ version: 1, mountPoint: top, controllers: ['pids'], root: '/' }] }, '/c');
  t.same(cg.allPids(), [], 'no cgroup: no pids');
  mkdirSync(join(top, 'c', 'sub', 'deeper'), { recursive: true });
  writeFileSync(join(top, 'c', 'cgroup.procs'), '30\n4\n');
  writeFileSync(join(top, 'c', 'sub', 'cgroup.procs'), '');
  writeFileSync(join(top, 'c', 'sub', 'deeper', 'cgroup.procs'), '7\n4\n');
  t.same(cg.allPids(), [4, 7, 30], 'sorted, each once');
  t.same(cg.pids(), [30, 4], 'pids() stays the top cgroup only');
});
