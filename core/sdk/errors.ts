import { Type, type Static } from '@sinclair/typebox';

/**
 * Typed errors a connector throws. The runner decides what to do from the `kind`,
 * never from a message string:
 * - retryable:    try again later (exponential backoff, optional minimum wait)
 * - rate_limited: the vendor asked us to wait `retryAfterMs`; pause this connection only, no retry attempt used
 * - permanent:    this record/request will never succeed as is; dead-letter it with the reason
 * - auth:         credentials are wrong or expired; stop the connection and tell the user
 * - config:       the connection or flow is configured wrongly; names the field and the fix
 */
export const ErrorKind = Type.Union([
  Type.Literal('retryable'),
  Type.Literal('rate_limited'),
  Type.Literal('permanent'),
  Type.Literal('auth'),
  Type.Literal('config'),
]);
export type ErrorKind = Static<typeof ErrorKind>;

/** The serialisable form of a hub error (stored in runs, dead letters, API problems). Never carries a stack. */
export const ErrorInfo = Type.Object(
  {
    kind: ErrorKind,
    message: Type.String(),
    field: Type.Optional(Type.String({ description: 'Path of the field at fault, when known' })),
    retryAfterMs: Type.Optional(Type.Integer({ minimum: 0 })),
    status: Type.Optional(Type.Integer({ description: 'HTTP status of the vendor response, when there was one' })),
  },
  { additionalProperties: false },
);
export type ErrorInfo = Static<typeof ErrorInfo>;

const BRAND = Symbol.for('connector-hub.error');

export interface HubErrorOptions {
  field?: string;
  status?: number;
  cause?: unknown;
}

export abstract class HubError extends Error {
  abstract readonly kind: ErrorKind;
  readonly field?: string;
  readonly status?: number;
  readonly [BRAND] = true;

  constructor(message: string, options: HubErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = new.target.name;
    if (options.field !== undefined) this.field = options.field;
    if (options.status !== undefined) this.status = options.status;
  }

  toInfo(): ErrorInfo {
    const info: ErrorInfo = { kind: this.kind, message: this.message };
    if (this.field !== undefined) info.field = this.field;
    if (this.status !== undefined) info.status = this.status;
    return info;
  }
}

export class RetryableError extends HubError {
  readonly kind = 'retryable' as const;
  /** Minimum wait before the next attempt, when the vendor said so. */
  readonly retryAfterMs?: number;
  constructor(message: string, options: HubErrorOptions & { retryAfterMs?: number } = {}) {
    super(message, options);
    if (options.retryAfterMs !== undefined) this.retryAfterMs = options.retryAfterMs;
  }
  override toInfo(): ErrorInfo {
    const info = super.toInfo();
    if (this.retryAfterMs !== undefined) info.retryAfterMs = this.retryAfterMs;
    return info;
  }
}

export class RateLimitedError extends HubError {
  readonly kind = 'rate_limited' as const;
  readonly retryAfterMs: number;
  constructor(message: string, retryAfterMs: number, options: HubErrorOptions = {}) {
    super(message, options);
    this.retryAfterMs = Math.max(0, Math.round(retryAfterMs));
  }
  override toInfo(): ErrorInfo {
    return { ...super.toInfo(), retryAfterMs: this.retryAfterMs };
  }
}

export class PermanentError extends HubError {
  readonly kind = 'permanent' as const;
}

export class AuthError extends HubError {
  readonly kind = 'auth' as const;
}

export class ConfigError extends HubError {
  readonly kind = 'config' as const;
}

/**
 * True for errors made by any copy of the SDK (a plugin may bundle its own copy),
 * so checks use a global symbol brand rather than `instanceof`.
 */
export function isHubError(value: unknown): value is HubError {
  return typeof value === 'object' && value !== null && (value as Record<symbol, unknown>)[BRAND] === true;
}

/** Classifies anything thrown into an ErrorInfo. Unknown errors are retryable: a bug or a network blip must not lose data. */
export function toErrorInfo(error: unknown): ErrorInfo {
  if (isHubError(error)) return error.toInfo();
  const message = error instanceof Error ? error.message : String(error);
  return { kind: 'retryable', message };
}
