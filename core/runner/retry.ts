import type { RetryOptions } from './deps';

/**
 * How long the runner keeps retrying a retryable failure: exponential backoff with jitter over a window of
 * minutes (a blip of a vendor outlasts ~15 s), per connection. A flow's `options.maxAttempts` still caps the
 * attempts when it is set; otherwise the window decides.
 */

/** Attempts of a flow that sets no `options.maxAttempts`: high enough that the time window decides. */
export const DEFAULT_MAX_ATTEMPTS = 50;
const DEFAULT_BASE_MS = 500;
const DEFAULT_MAX_MS = 60_000;
/** How long retryable failures are retried by default (backoff waits added up): five minutes. */
export const DEFAULT_MAX_ELAPSED_MS = 5 * 60_000;

/**
 * Exponential backoff with equal jitter: half the delay fixed, half random, so workers that failed together do
 * not retry together. `attempt` is the attempt that failed (1, 2, …); a vendor's own minimum wait wins.
 */
export function backoffDelay(
  attempt: number,
  options: RetryOptions = {},
  random: () => number = Math.random,
  minimumMs = 0,
): number {
  const base = options.baseMs ?? DEFAULT_BASE_MS;
  const max = options.maxMs ?? DEFAULT_MAX_MS;
  const exponential = Math.min(max, base * 2 ** Math.max(0, attempt - 1));
  const jittered = Math.round(exponential / 2 + random() * (exponential / 2));
  return Math.max(jittered, minimumMs);
}

/** The retry window (ms) of `options`: the waits of one failing request or record add up to at most this. */
export function maxElapsedOf(options: RetryOptions | undefined): number {
  return options?.maxElapsedMs ?? DEFAULT_MAX_ELAPSED_MS;
}

function positive(value: unknown): number | undefined {
  return typeof value === 'number' && Number.isFinite(value) && value >= 0 ? value : undefined;
}

/**
 * The retry options of a connection: its settings' `retry` block (connectors that let users tune it declare the
 * SDK's `RetrySettings` there), over the runner's options, over the defaults.
 */
export function connectionRetry(settings: unknown, runner: RetryOptions | undefined): RetryOptions | undefined {
  const block = (settings as { retry?: unknown } | null | undefined)?.retry;
  if (typeof block !== 'object' || block === null) return runner;
  const own = block as Record<string, unknown>;
  const merged: RetryOptions = { ...runner };
  const baseMs = positive(own.baseMs);
  const maxMs = positive(own.maxMs);
  const maxElapsedMs = positive(own.maxElapsedMs);
  if (baseMs !== undefined) merged.baseMs = baseMs;
  if (maxMs !== undefined) merged.maxMs = maxMs;
  if (maxElapsedMs !== undefined) merged.maxElapsedMs = maxElapsedMs;
  return merged;
}
