import { constants } from 'node:os';
import { UserError } from './errors';

const SIGRTMIN = 34;
const SIGRTMAX = 64;

// "TERM", "SIGTERM", "15", "RTMIN+2": the forms runc accepts.
export function parseSignal(text: string): number {
  const s = text.trim().toUpperCase();
  if (/^\d+$/.test(s)) {
    const n = Number(s);
    // 0 sends nothing and only checks that the process exists, as kill(2).
    if (n <= SIGRTMAX) return n;
    throw new UserError(`invalid signal ${JSON.stringify(text)}: numbers go from 0 to ${SIGRTMAX}`);
  }
  const name = s.startsWith('SIG') ? s : `SIG${s}`;
  const rt = /^SIGRT(MIN|MAX)([+-]\d+)?$/.exec(name);
  if (rt) {
    const n = (rt[1] === 'MIN' ? SIGRTMIN : SIGRTMAX) + Number(rt[2] ?? 0);
    if (n >= SIGRTMIN && n <= SIGRTMAX) return n;
  }
  const n = (constants.signals as Record<string, number>)[name];
  if (n !== undefined) return n;
  throw new UserError(`invalid signal ${JSON.stringify(text)}`);
}
