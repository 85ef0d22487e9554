import { specTemplate, writeSpec } from '../../container/spec-template';
import { str, type Command } from '../command';

// tsrun spec [--rootless] [--bundle DIR]: a starting config.json.
const spec: Command = (a) => {
  writeSpec(str(a.options.bundle) ?? '.', specTemplate({ rootless: Boolean(a.options.rootless) }));
  return 0;
};
export default spec;
