import type { ApiPolicy, RetryAfterRule } from './contracts';
import { AuthError, PermanentError, RateLimitedError, RetryableError, type HubError } from './errors';

export type HeaderBag = Record<string, string | string[] | undefined> | Headers;

function header(headers: HeaderBag, name: string): string | undefined {
  if (typeof Headers !== 'undefined' && headers instanceof Headers) return headers.get(name) ?? undefined;
  const bag = headers as Record<string, string | string[] | undefined>;
  const key = Object.keys(bag).find((k) => k.toLowerCase() === name.toLowerCase());
  const value = key === undefined ? undefined : bag[key];
  return Array.isArray(value) ? value[0] : value;
}

function parseWait(value: string, rule: RetryAfterRule, now: number): number | undefined {
  const trimmed = value.trim();
  switch (rule.unit) {
    case 'seconds': {
      const n = Number(trimmed);
      if (Number.isFinite(n) && n >= 0) return Math.round(n * 1000);
      // Retry-After may also be an HTTP date (RFC 9110 §10.2.3)
      const date = Date.parse(trimmed);
      return Number.isNaN(date) ? undefined : Math.max(0, date - now);
    }
    case 'milliseconds': {
      const n = Number(trimmed);
      return Number.isFinite(n) && n >= 0 ? Math.round(n) : undefined;
    }
    case 'http-date': {
      const date = Date.parse(trimmed);
      return Number.isNaN(date) ? undefined : Math.max(0, date - now);
    }
    case 'epoch-seconds': {
      const n = Number(trimmed);
      return Number.isFinite(n) ? Math.max(0, n * 1000 - now) : undefined;
    }
  }
}

/** Reads how long the vendor asked us to wait, by the connector's policy; undefined when it did not say. */
export function readRetryAfter(
  policy: Pick<ApiPolicy, 'retryAfter'>,
  headers: HeaderBag,
  now = Date.now(),
): number | undefined {
  for (const rule of policy.retryAfter) {
    const value = header(headers, rule.header);
    if (value === undefined || value === '') continue;
    const wait = parseWait(value, rule, now);
    if (wait !== undefined) return wait;
  }
  return undefined;
}

/**
 * Turns a failed vendor response into the typed error the runner acts on:
 * 429 → RateLimitedError (wait from the policy's headers, else `defaultWaitMs`),
 * 401/403 → AuthError, a status the policy retries → RetryableError, anything else 4xx → PermanentError.
 */
export function classifyHttpFailure(
  policy: Pick<ApiPolicy, 'retryAfter' | 'retryStatuses'>,
  response: { status: number; headers: HeaderBag },
  message: string,
  defaultWaitMs = 10_000,
): HubError {
  const { status } = response;
  const wait = readRetryAfter(policy, response.headers);
  if (status === 429) return new RateLimitedError(message, wait ?? defaultWaitMs, { status });
  if (status === 401 || status === 403) return new AuthError(message, { status });
  if (policy.retryStatuses.includes(status) || status >= 500) {
    return new RetryableError(message, wait === undefined ? { status } : { status, retryAfterMs: wait });
  }
  return new PermanentError(message, { status });
}
