import type { ApiPolicy } from '../../core/sdk';

/** Google's Data Manager ingestion quota per project. */
export const REQUESTS_PER_MINUTE = 300;
/** The lane every Data Manager request takes a slot of (see client.ts). */
export const INGESTION_LANE = 'ingestion';
/** Per-request limits, declared on the actions. */
export const MAX_EVENTS_PER_REQUEST = 2_000;
export const MAX_MEMBERS_PER_REQUEST = 10_000;

/**
 * Data Manager API limits ([doc] developers.google.com/data-manager/api/devguides/limits, vendor-apis.md §4b):
 * 2,000 events per `events:ingest`, 10,000 members per `audienceMembers:ingest` / `:remove`, and a project quota of
 * 300 requests per minute (100,000 per day) for the ingestion service, excess answered 429 RESOURCE_EXHAUSTED.
 * The budget below is per connection: connections that share one Google Cloud project share Google's 300/min, which
 * the hub's budget cannot key by project today (see README, "Limits").
 */
export const GOOGLE_POLICY: ApiPolicy = {
  rateBudget: { requests: REQUESTS_PER_MINUTE, intervalMs: 60_000 },
  concurrency: 4,
  // every Data Manager request (ingest, remove and the requestStatus reads after them) takes a slot of this lane,
  // so the diagnostics reads count against Google's quota too, not only the writes the runner sees
  lanes: { [INGESTION_LANE]: { requests: REQUESTS_PER_MINUTE, intervalMs: 60_000 } },
  retryStatuses: [429, 500, 502, 503, 504],
  retryAfter: [{ header: 'retry-after', unit: 'seconds' }],
  timeoutMs: 60_000,
};

/** Wait after a 429 that carries no RetryInfo: the quota is per minute. */
export const DEFAULT_RATE_WAIT_MS = 30_000;
