/**
 * A database error as both drivers report it: the message plus the SQLSTATE `code`, so callers can
 * test `err.code === '23505'` the same way on PGlite and on node-postgres.
 */
export class SqlStateError extends Error {
  readonly code: string | undefined;
  readonly detail: string | undefined;

  constructor(message: string, code: string | undefined, detail?: string) {
    super(message);
    this.name = 'SqlStateError';
    this.code = code;
    this.detail = detail;
  }
}

/** The SQLSTATE of a driver error, if it has one. */
export function sqlStateOf(error: unknown): string | undefined {
  if (typeof error !== 'object' || error === null || !('code' in error)) return undefined;
  const code = (error as { code: unknown }).code;
  return typeof code === 'string' && /^[0-9A-Z]{5}$/.test(code) ? code : undefined;
}
