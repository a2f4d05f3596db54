import type { ApiPolicy } from '../../core/sdk';
import { BURST_PER_10S } from './schemas/settings';

/**
 * The API policy the runner enforces. It is static in the definition, so the budget is the default tier's
 * (professional: 190 requests per rolling 10 s). A connection on another tier or a public OAuth app is held to its
 * own burst budget by the client's in-process throttle (throttle.ts), which also keeps CRM search under 5/s.
 */
export const hubspotPolicy: ApiPolicy = {
  rateBudget: { requests: BURST_PER_10S.professional, intervalMs: 10_000 },
  // HubSpot's SDK defaults to 6 in flight; more only queues behind the burst budget
  concurrency: 6,
  maxBatchSize: { upsertContacts: 100, upsertDeals: 100, archiveContacts: 100, deleteContact: 1 },
  retryStatuses: [500, 502, 503, 504],
  // HubSpot documents no Retry-After on REST 429s; when a proxy adds one it wins. Otherwise the wait comes from
  // the body's policyName (see errors.ts).
  retryAfter: [{ header: 'retry-after', unit: 'seconds' }],
  timeoutMs: 30_000,
};
