import type { HubLogger } from '../logging/logger';

/**
 * One clear line when Redis goes away and one when it is back, instead of an error (with a stack trace) per
 * reconnection attempt of every connection. While Redis is away the BullMQ workers take no jobs (they are paused
 * by the outage itself) and pick up again on their own when it answers.
 */

const CONNECTION_CODES = new Set(['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EHOSTUNREACH', 'ENOTFOUND', 'EPIPE']);

/** Whether an error is about reaching Redis (not about a command). */
export function isConnectionError(error: unknown): boolean {
  if (!(error instanceof Error)) return false;
  const code = (error as { code?: unknown }).code;
  if (typeof code === 'string' && CONNECTION_CODES.has(code)) return true;
  return /Connection is closed|connect ECONNREFUSED|Stream isn't writeable|Socket closed unexpectedly|getaddrinfo/i.test(
    error.message,
  );
}

/** The URL without its password, for logs and errors. */
export function redactRedisUrl(url: string): string {
  try {
    const parsed = new URL(url);
    if (parsed.password) parsed.password = '***';
    return parsed.toString();
  } catch {
    return 'redis://(unparseable URL)';
  }
}

export class RedisHealth {
  #down = false;

  constructor(
    private readonly logger: HubLogger,
    private readonly url: string,
  ) {}

  get down(): boolean {
    return this.#down;
  }

  /** Logs a connection error once per outage; other errors every time. */
  error(error: Error, message: string, bindings: Record<string, unknown> = {}): void {
    if (!isConnectionError(error)) {
      this.logger.error({ err: error, ...bindings }, message);
      return;
    }
    if (this.#down) return;
    this.#down = true;
    this.logger.warn(
      { redis: this.url, reason: error.message },
      'Redis is unreachable (HUB_REDIS_URL): workers paused until it comes back',
    );
  }

  ready(): void {
    if (!this.#down) return;
    this.#down = false;
    this.logger.info({ redis: this.url }, 'Redis is reachable again: workers resumed');
  }
}
