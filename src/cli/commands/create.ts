import { createContainer } from '../../container/create';
import type { Command } from '../command';
import { createArgs } from '../create-args';

const create: Command = async (a, log) => {
  await createContainer({ ...createArgs(a, log), foreground: false });
  return 0;
};
export default create;
