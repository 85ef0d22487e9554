// An error meant for the user: printed as is, exit code 1 unless given.
export class UserError extends Error {
  constructor(message: string, readonly exitCode = 1) {
    super(message);
  }
}

export function errorCode(e: unknown): string | undefined {
  return (e as NodeJS.ErrnoException)?.code;
}
