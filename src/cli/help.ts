import { COMMANDS, GLOBAL_OPTIONS, type OptionDef } from './table';

type Yargs = {
  scriptName(n: string): Yargs;
  version(v: false): Yargs;
  usage(u: string): Yargs;
  command(c: string, d: string, builder: (y: Yargs) => Yargs): Yargs;
  option(n: string, o: object): Yargs;
  positional(n: string, o: object): Yargs;
  wrap(n: number | null): Yargs;
  showHelp(fn?: (s: string) => void): Yargs;
  parseSync(args: string[]): unknown;
};

function yargsOption(d: OptionDef): object {
  return { alias: d.alias, type: d.type, describe: d.describe, default: d.default };
}

// Help text comes from yargs, loaded only when help is asked for: loading it
// costs more than a whole `tsrun state`.
export async function showHelp(commandName?: string): Promise<void> {
  const { default: yargs } = (await import('yargs')) as unknown as { default: (a: string[]) => Yargs };
  const cmd = COMMANDS.find((c) => c.name === commandName);
  let y = yargs([]).scriptName('tsrun').version(false).wrap(100);
  if (cmd) {
    const usage = `tsrun ${cmd.name} [options] ${cmd.positionals.map((p) => (p.required ? `<${p.name}>` : `[${p.name}]`)).join(' ')}\n\n${cmd.describe}`;
    y = y.usage(usage);
    for (const o of cmd.options) y = y.option(o.name, yargsOption(o));
  } else {
    y = y.usage('tsrun [global options] <command> [options] <container-id>\n\nAn OCI container runtime.');
    for (const c of COMMANDS) y = y.command(c.name, c.describe, (b) => b);
    for (const o of GLOBAL_OPTIONS) y = y.option(o.name, yargsOption(o));
  }
  y.showHelp((s) => process.stdout.write(s + '\n'));
}
