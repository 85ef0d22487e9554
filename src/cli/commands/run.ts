import { runContainer } from '../../container/run';
import type { Command } from '../command';
import { createArgs } from '../create-args';

const run: Command = (a, log) => runContainer(createArgs(a, log), Boolean(a.options.detach));
export default run;
