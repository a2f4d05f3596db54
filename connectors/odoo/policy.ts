import type { ApiPolicy } from '../../core/sdk';

/**
 * Odoo publishes no request quota (Online or self-hosted, [doc] vendor-apis.md §6), so a conservative budget; a
 * proxy in front may still answer 429/503, which the client honours. Every JSON-2 call is its own transaction, so
 * writes go one record per call (a ValidationError then fails only that record) and reads page by search_read.
 */
export const ODOO_POLICY: ApiPolicy = {
  rateBudget: { requests: 10, intervalMs: 1_000 },
  concurrency: 4,
  retryStatuses: [429, 502, 503, 504],
  retryAfter: [{ header: 'retry-after', unit: 'seconds' }],
  timeoutMs: 60_000,
};

/** Records per search_read page unless the settings say otherwise. */
export const DEFAULT_PAGE_SIZE = 200;
