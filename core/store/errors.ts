/**
 * Errors the repositories raise. They carry an HTTP-like `status` so the API maps them without string matching.
 */
export class StoreConflictError extends Error {
  readonly status = 409;
  constructor(
    message: string,
    readonly entity: string,
    readonly field?: string,
  ) {
    super(message);
    this.name = 'StoreConflictError';
  }
}

export class StoreNotFoundError extends Error {
  readonly status = 404;
  constructor(
    readonly entity: string,
    readonly key: string,
  ) {
    super(`${entity} ${JSON.stringify(key)} not found`);
    this.name = 'StoreNotFoundError';
  }
}

function errorCode(error: unknown, key: string): unknown {
  return typeof error === 'object' && error !== null ? (error as Record<string, unknown>)[key] : undefined;
}

/** True for a unique-constraint violation on either engine (SQLite extended code 2067/1555, PostgreSQL 23505). */
export function isUniqueViolation(error: unknown): boolean {
  if (errorCode(error, 'code') === '23505') return true;
  const errcode = errorCode(error, 'errcode');
  if (errcode === 2067 || errcode === 1555) return true;
  return error instanceof Error && /UNIQUE constraint failed/.test(error.message);
}

/** True for a foreign-key violation on either engine (SQLite 787, PostgreSQL 23503). */
export function isForeignKeyViolation(error: unknown): boolean {
  if (errorCode(error, 'code') === '23503') return true;
  if (errorCode(error, 'errcode') === 787) return true;
  return error instanceof Error && /FOREIGN KEY constraint failed/.test(error.message);
}
