import { listContainers, listTable } from '../../container/list';
import { stateRoot, type Command } from '../command';
import { outputFormat } from '../format';

// tsrun list [--format table|json] [--quiet]: every container under --root.
const list: Command = (a, log) => {
  const format = outputFormat(a);
  const { entries, problems } = listContainers(stateRoot(a));
  for (const p of problems) log.warn(`list: skipped ${p}`);
  if (a.options.quiet) process.stdout.write(entries.map((e) => `${e.id}\n`).join(''));
  else process.stdout.write(format === 'json' ? JSON.stringify(entries) + '\n' : listTable(entries));
  return 0;
};
export default list;
