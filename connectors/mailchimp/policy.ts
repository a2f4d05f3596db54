import type { ApiPolicy } from '../../core/sdk';

/**
 * Mailchimp's limits as data. Mailchimp publishes no request quota, only "10 simultaneous connections per API
 * key" (429 beyond that, or a body-less 403 at very high volume) and a 120 s call timeout; it sends no Retry-After.
 * https://mailchimp.com/developer/marketing/docs/fundamentals/
 */
export const MAILCHIMP_POLICY: ApiPolicy = {
  // no published quota: a generous budget, the connection cap is what actually binds
  rateBudget: { requests: 100, intervalMs: 1_000 },
  // ≤10 per account; 8 leaves room for the account's other integrations
  concurrency: 8,
  retryStatuses: [500, 502, 503, 504],
  // Mailchimp sends no Retry-After; the client picks the wait (see client.ts)
  retryAfter: [],
  timeoutMs: 120_000,
};

/** Wait after a 429 (too many simultaneous connections): connections free up within a few seconds. */
export const CONNECTION_LIMIT_WAIT_MS = 2_000;
/** Wait after a body-less 403, Mailchimp's answer to very high volume: back off longer. */
export const THROTTLE_WAIT_MS = 15_000;
