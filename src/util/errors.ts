// Known across bundles: each command is its own bundled file with its own
// copy of this class, so `instanceof` cannot tell; the registered symbol can.
const USER_ERROR = Symbol.for('tsrun.UserError');

// An error meant for the user: printed as is, exit code 1 unless given.
export class UserError extends Error {
  readonly [USER_ERROR] = true;
  constructor(message: string, readonly exitCode = 1) {
    super(message);
  }
}

export function isUserError(e: unknown): e is UserError {
  return typeof e === 'object' && e !== null && (e as Record<symbol, unknown>)[USER_ERROR] === true;
}

export function errorCode(e: unknown): string | undefined {
  return (e as NodeJS.ErrnoException)?.code;
}
