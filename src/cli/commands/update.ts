import { readFileSync } from 'node:fs';
import type { Resources } from '../../cgroups/resources';
import { checkResources, updateContainer } from '../../container/update';
import { UserError } from '../../util/errors';
import type { Values } from '../args';
import { stateRoot, type Command } from '../command';

// runc's byte sizes: 1024, 64m, 1.5g, 512KiB (binary units); -1 for no limit.
export function parseBytes(flag: string, text: string): number {
  if (text === '-1') return -1;
  const m = /^(\d+(?:\.\d+)?) ?([kmgtp])?(?:i?b)?$/i.exec(text.trim());
  if (!m) throw new UserError(`update: --${flag}: not a size: ${JSON.stringify(text)} (bytes, or with k, m, g, t, p)`);
  const scale = 1024 ** (m[2] ? 'kmgtp'.indexOf(m[2].toLowerCase()) + 1 : 0);
  return Math.floor(Number(m[1]) * scale);
}

function parseInteger(flag: string, text: string, min: number): number {
  if (!/^-?\d+$/.test(text) || Number(text) < min) throw new UserError(`update: --${flag}: expected ${min < 0 ? 'an integer' : 'a whole number'}, got ${JSON.stringify(text)}`);
  return Number(text);
}

// The per-resource flags, as runc names them; --cpu-shares is accepted for --cpu-share.
export function resourcesFromFlags(o: Values): Resources {
  const res: Resources = {};
  const s = (name: string) => (o[name] === undefined ? undefined : String(o[name]));
  const memory = (name: string, key: 'limit' | 'reservation' | 'swap' | 'kernel' | 'kernelTCP') => {
    const v = s(name);
    if (v !== undefined) (res.memory ??= {})[key] = parseBytes(name, v);
  };
  memory('memory', 'limit');
  memory('memory-reservation', 'reservation');
  memory('memory-swap', 'swap');
  memory('kernel-memory', 'kernel');
  memory('kernel-memory-tcp', 'kernelTCP');
  const cpu = (name: string, key: 'shares' | 'quota' | 'period' | 'burst' | 'realtimePeriod' | 'realtimeRuntime', min: number) => {
    const v = s(name);
    if (v !== undefined) (res.cpu ??= {})[key] = parseInteger(name, v, min);
  };
  cpu('cpu-shares', 'shares', 0);
  cpu('cpu-share', 'shares', 0);
  cpu('cpu-quota', 'quota', -1);
  cpu('cpu-period', 'period', 0);
  cpu('cpu-burst', 'burst', 0);
  cpu('cpu-rt-period', 'realtimePeriod', 0);
  cpu('cpu-rt-runtime', 'realtimeRuntime', -1);
  if (s('cpuset-cpus') !== undefined) (res.cpu ??= {}).cpus = s('cpuset-cpus');
  if (s('cpuset-mems') !== undefined) (res.cpu ??= {}).mems = s('cpuset-mems');
  const pids = s('pids-limit');
  if (pids !== undefined) res.pids = { limit: parseInteger('pids-limit', pids, -1) };
  const weight = s('blkio-weight');
  if (weight !== undefined) {
    const w = parseInteger('blkio-weight', weight, 0);
    if (w !== 0 && (w < 10 || w > 1000)) throw new UserError(`update: --blkio-weight: must be 10 to 1000 (or 0 to leave it), not ${w}`);
    res.blockIO = { weight: w };
  }
  for (const rdt of ['l3-cache-schema', 'mem-bw-schema']) {
    if (s(rdt) !== undefined) throw new UserError(`update: --${rdt}: Intel RDT is not supported by tsrun`);
  }
  return res;
}

function readResources(file: string): Resources {
  let text: string;
  try {
    text = readFileSync(file === '-' ? 0 : file, 'utf8');
  } catch (e) {
    throw new UserError(`update: cannot read --resources ${file}: ${(e as Error).message}`);
  }
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (e) {
    throw new UserError(`update: --resources ${file === '-' ? '(stdin)' : file}: not valid JSON: ${(e as Error).message}`);
  }
  return checkResources(value);
}

const update: Command = (a, log) => {
  const file = a.options.resources === undefined ? undefined : String(a.options.resources);
  const flagged = Object.keys(a.options).filter((k) => k !== 'resources' && a.options[k] !== undefined);
  let patch: Resources;
  if (file !== undefined) {
    // As runc: with --resources the other flags are ignored.
    if (flagged.length) log.warn(`update: --resources is given, so ${flagged.map((f) => `--${f}`).join(', ')} ignored`);
    patch = readResources(file);
  } else {
    patch = checkResources(resourcesFromFlags(a.options));
  }
  updateContainer(stateRoot(a), a.positionals[0], patch, (m) => log.warn(m));
  return 0;
};
export default update;
