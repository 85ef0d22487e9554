import { statsEvent, watchEvents } from '../../container/events';
import { parseDuration } from '../../util/duration';
import { UserError } from '../../util/errors';
import { stateRoot, type Command } from '../command';

// tsrun events [--stats] [--interval D] ID
const events: Command = async (a) => {
  const id = a.positionals[0];
  const interval = parseDuration(String(a.options.interval ?? '5s'), 'events: --interval');
  if (!(interval >= 1)) throw new UserError(`events: --interval must be at least 1ms, not ${JSON.stringify(a.options.interval)}`);
  if (a.options.stats) {
    process.stdout.write(statsEvent(stateRoot(a), id) + '\n');
    return 0;
  }
  // A reader that went away ends the stream.
  process.stdout.on('error', () => process.exit(0));
  await watchEvents(stateRoot(a), id, interval, (line) => process.stdout.write(line + '\n'));
  return 0;
};
export default events;
