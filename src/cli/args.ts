import { UserError } from '../util/errors';
import { COMMANDS, GLOBAL_OPTIONS, type CommandDef, type OptionDef } from './table';

export type Values = Record<string, string | number | boolean | string[] | undefined>;

export interface ParsedArgs {
  globals: Values;
  command?: CommandDef;
  options: Values;
  positionals: string[];
}

function findOption(defs: OptionDef[], token: string): OptionDef | undefined {
  const name = token.replace(/^--?/, '');
  return defs.find((d) => (token.startsWith('--') ? d.name === name : d.alias === name));
}

function convert(def: OptionDef, raw: string, where: string): string | number {
  if (def.type !== 'number') return raw;
  if (!/^\d+$/.test(raw)) throw new UserError(`${where}--${def.name}: expected a number, got ${JSON.stringify(raw)}`);
  return Number(raw);
}

// Reads options of `defs` from args[i]; returns the next index, or -1 if args[i] is not one of them.
function takeOption(defs: OptionDef[], args: string[], i: number, into: Values, where: string): number {
  const token = args[i];
  const eq = token.indexOf('=');
  const head = token.startsWith('--') && eq > 0 ? token.slice(0, eq) : token;
  const def = findOption(defs, head);
  if (!def) return -1;
  if (def.type === 'boolean') {
    into[def.name] = eq > 0 && token.startsWith('--') ? token.slice(eq + 1) !== 'false' : true;
    return i + 1;
  }
  const inline = eq > 0 && token.startsWith('--');
  if (!inline && i + 1 >= args.length) throw new UserError(`${where}--${def.name} needs a value`);
  const value = convert(def, inline ? token.slice(eq + 1) : args[i + 1], where);
  if (def.repeatable) {
    const list = (into[def.name] as string[] | undefined) ?? [];
    into[def.name] = [...list, String(value)];
  } else {
    into[def.name] = value;
  }
  return inline ? i + 1 : i + 2;
}

function defaults(defs: OptionDef[]): Values {
  return Object.fromEntries(defs.filter((d) => d.default !== undefined).map((d) => [d.name, d.default]));
}

// Global options come before the command, command options anywhere after it
// (runc's own parser wants them before the id; accepting both is kinder).
export function parseArgs(args: string[]): ParsedArgs {
  const globals = defaults(GLOBAL_OPTIONS);
  let i = 0;
  while (i < args.length && args[i].startsWith('-')) {
    const next = takeOption(GLOBAL_OPTIONS, args, i, globals, '');
    if (next < 0) throw new UserError(`unknown global option ${args[i]}`);
    i = next;
  }
  if (i >= args.length) return { globals, options: {}, positionals: [] };
  const name = args[i++];
  const command = COMMANDS.find((c) => c.name === name);
  if (!command) throw new UserError(`unknown command ${JSON.stringify(name)}; see tsrun --help`);
  const options = defaults(command.options);
  const positionals: string[] = [];
  const where = `${command.name}: `;
  while (i < args.length) {
    const a = args[i];
    if (a === '--' || (command.literalAfter !== undefined && positionals.length >= command.literalAfter)) {
      positionals.push(...args.slice(a === '--' ? i + 1 : i));
      break;
    }
    if (a.startsWith('-') && a !== '-' && !/^-\d+$/.test(a)) {
      let next = takeOption(command.options, args, i, options, where);
      // --help after the command asks for the command's help.
      if (next < 0) next = takeOption(GLOBAL_OPTIONS.filter((d) => d.name === 'help'), args, i, globals, where);
      if (next < 0) throw new UserError(`${where}unknown option ${a}`);
      i = next;
    } else {
      positionals.push(a);
      i++;
    }
  }
  if (globals.help) return { globals, command, options, positionals };
  const required = command.positionals.filter((p) => p.required).length;
  if (positionals.length < required) {
    throw new UserError(`${where}missing ${command.positionals[positionals.length].name}`);
  }
  if (command.literalAfter === undefined && positionals.length > command.positionals.length) {
    throw new UserError(`${where}unexpected argument ${JSON.stringify(positionals[command.positionals.length])}`);
  }
  return { globals, command, options, positionals };
}
