import { getSystemErrorMap } from 'node:util';

// "operation not permitted" for 1, as the C library would say it.
export function errnoText(errno: number): string {
  const entry = getSystemErrorMap().get(-errno);
  return entry ? entry[1] : `errno ${errno}`;
}

export function errnoName(errno: number): string {
  const entry = getSystemErrorMap().get(-errno);
  return entry ? entry[0] : `E${errno}`;
}
