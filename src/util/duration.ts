import { UserError } from './errors';

const UNIT_MS: Record<string, number> = { ns: 1e-6, us: 1e-3, 'µs': 1e-3, ms: 1, s: 1000, m: 60_000, h: 3_600_000 };

// A Go duration as runc's flags take it ("5s", "500ms", "1m30s", "1.5h"),
// in milliseconds. `what` names the flag in the error.
export function parseDuration(text: string, what: string): number {
  const s = text.trim();
  const re = /(\d+(?:\.\d*)?|\.\d+)(ns|us|µs|ms|s|m|h)/gy;
  let total = 0;
  let at = 0;
  for (let m = re.exec(s); m; m = re.exec(s)) {
    total += Number(m[1]) * UNIT_MS[m[2]];
    at = re.lastIndex;
  }
  if (s === '' || at !== s.length) {
    throw new UserError(`${what}: invalid duration ${JSON.stringify(text)}; use a number with a unit, like 5s, 500ms or 1m`);
  }
  return total;
}
