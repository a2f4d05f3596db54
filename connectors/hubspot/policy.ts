import type { ApiPolicy, ConnectionPolicy } from '../../core/sdk';
import { burstLimit, type HubSpotSettings } from './schemas/settings';

/** The lane of CRM search requests: 5 per second per account, beside the ten-secondly burst. */
export const SEARCH_LANE = 'search';
export const SEARCH_PER_SECOND = 5;

/**
 * The API policy the runner enforces. The static budget is the default tier's (professional: 190 requests per
 * rolling 10 s) and CRM search's 5/s lane; `hubspotPolicyFor` gives each connection its own from its settings.
 */
export const hubspotPolicy: ApiPolicy = {
  rateBudget: { requests: burstLimit({}), intervalMs: 10_000 },
  // HubSpot's SDK defaults to 6 in flight; more only queues behind the burst budget
  concurrency: 6,
  lanes: { [SEARCH_LANE]: { requests: SEARCH_PER_SECOND, intervalMs: 1_000 } },
  retryStatuses: [500, 502, 503, 504],
  // HubSpot documents no Retry-After on REST 429s; when a proxy adds one it wins. Otherwise the wait comes from
  // the body's policyName and the shared budget's window (see errors.ts and client.ts).
  retryAfter: [{ header: 'retry-after', unit: 'seconds' }],
  timeoutMs: 30_000,
};

/**
 * One connection's budget, shared by every worker: its tier's burst (free/starter 100, professional/enterprise
 * 190, API add-on 250, public OAuth apps 110 per 10 s) and its search lane (`searchRateLimit`, default 5/s).
 */
export function hubspotPolicyFor(
  settings: Pick<HubSpotSettings, 'tier' | 'appType' | 'searchRateLimit'>,
): ConnectionPolicy {
  return {
    rateBudget: { requests: burstLimit(settings), intervalMs: 10_000 },
    lanes: { [SEARCH_LANE]: { requests: settings.searchRateLimit ?? SEARCH_PER_SECOND, intervalMs: 1_000 } },
  };
}
