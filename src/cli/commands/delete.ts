import { deleteContainer } from '../../container/delete';
import { stateRoot, type Command } from '../command';

const del: Command = async (a) => {
  await deleteContainer(stateRoot(a), a.positionals[0], Boolean(a.options.force));
  return 0;
};
export default del;
