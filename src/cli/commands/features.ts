import { features } from '../../container/features';
import type { Command } from '../command';

// tsrun features: runtime-spec's features.json for this build of tsrun.
const feat: Command = () => {
  process.stdout.write(JSON.stringify(features(), null, 2) + '\n');
  return 0;
};
export default feat;
