import { UserError } from '../util/errors';
import type { ParsedArgs } from './args';

// --format of ps and list: table (the default) or json.
export function outputFormat(a: ParsedArgs): 'table' | 'json' {
  const f = String(a.options.format ?? 'table');
  if (f !== 'table' && f !== 'json') throw new UserError(`${a.command?.name}: --format must be table or json, not ${JSON.stringify(f)}`);
  return f;
}
