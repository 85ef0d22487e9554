import { Op } from '../native/protocol';
import { errnoText } from '../util/errno';
import type { PlanOp } from './types';

// A failed op in words that name the config field:
//   mounts[3]: mount tmpfs on /dev/shm (...): operation not permitted
// A failed program lookup uses runc's wording, which engines map to exit
// codes 127 ("not found", "no such file") and 126 ("permission denied").
export function describeFailure(op: PlanOp | undefined, errno: number, detail: string): string {
  if (!op) return `tsrun-helper: ${detail || errnoText(errno)}`;
  if (op.code === Op.ResolveExec) {
    const name = op.args[0] as string;
    if (errno === 2 && !name.includes('/')) return `process.args[0]: exec: "${name}": executable file not found in $PATH`;
    if (errno === 2) return `process.args[0]: exec: "${name}": stat ${name}: no such file or directory`;
    if (errno === 13) return `process.args[0]: exec: "${name}": permission denied`;
    return `process.args[0]: exec: "${name}": ${errnoText(errno)}`;
  }
  return `${op.field}: ${op.step}: ${errnoText(errno)}${detail ? ` (${detail})` : ''}`;
}
