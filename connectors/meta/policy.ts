import type { ApiPolicy } from '../../core/sdk';

/**
 * Meta's limits as data ([doc] vendor-apis.md §5, §5b, §8):
 * - Conversions API: up to 1,000 events per request, all-or-nothing;
 * - Custom Audiences: up to 10,000 rows per `/users` or `/usersreplace` request;
 * - Business Use Case limits, reported in X-Business-Use-Case-Usage (see usage.ts) and enforced with throttling
 *   error codes (THROTTLE_CODES); the budget here is a polite floor, the header decides the real back-off.
 */
export const META_POLICY: ApiPolicy = {
  rateBudget: { requests: 50, intervalMs: 1_000 },
  concurrency: 4,
  retryStatuses: [500, 502, 503, 504],
  retryAfter: [{ header: 'retry-after', unit: 'seconds' }],
  timeoutMs: 60_000,
};

/**
 * Graph error codes that mean "slow down": 4 (app), 17 (user, subcode 2446079), 32 (page), 613 (ad account,
 * subcode 1487742), 80000–80014 (Business Use Case families: 80004 ads management, 80003 custom audiences…).
 */
export const THROTTLE_CODES = new Set([4, 17, 32, 613, ...Array.from({ length: 15 }, (_, i) => 80000 + i)]);

/** Wait when Meta throttles without stating one (the header is the usual source of the wait). */
export const DEFAULT_THROTTLE_WAIT_MS = 60_000;

/** Usage (percent of the quota) from which the client stops calling until Meta's stated regain time. */
export const USAGE_CEILING_PERCENT = 100;

/** Leads and insights rows per page asked of the Graph API. */
export const PAGE_LIMIT = 100;
