import type { ParsedArgs } from './args';
import type { Logger } from './log';

// A command module's default export: reads its parsed arguments, returns the exit code.
export type Command = (a: ParsedArgs, log: Logger) => Promise<number> | number;

export const str = (v: unknown) => (v === undefined ? undefined : String(v));

export function stateRoot(a: ParsedArgs): string {
  return String(a.globals.root);
}
