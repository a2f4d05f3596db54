import type { RetryOptions } from './deps';

export const DEFAULT_MAX_ATTEMPTS = 5;
const DEFAULT_BASE_MS = 500;
const DEFAULT_MAX_MS = 60_000;

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
