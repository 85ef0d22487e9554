import { containerPids, psTable } from '../../container/ps';
import { UserError } from '../../util/errors';
import { stateRoot, type Command } from '../command';
import { outputFormat } from '../format';

// tsrun ps [--format table|json] ID [ps options]: json is the array of host
// pids (what containerd reads); table is the host's ps, filtered.
const ps: Command = (a) => {
  const format = outputFormat(a);
  const [id, ...psArgs] = a.positionals;
  if (format === 'json' && psArgs.length) throw new UserError(`ps: ps options (${psArgs.join(' ')}) apply to --format table only`);
  const pids = containerPids(stateRoot(a), id);
  process.stdout.write(format === 'json' ? JSON.stringify(pids) + '\n' : psTable(pids, psArgs));
  return 0;
};
export default ps;
