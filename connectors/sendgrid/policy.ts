import type { ApiPolicy } from '../../core/sdk';

/**
 * SendGrid publishes no rate-limit numbers (they are per endpoint and per account, the docs' figures are examples),
 * so the budget is a moderate 10 requests per second; the runner backs off on 429 until X-RateLimit-Reset (a Unix
 * epoch in seconds). Batch sizes are declared on each action (SendGrid's documented maxima).
 */
export const sendgridPolicy: ApiPolicy = {
  rateBudget: { requests: 10, intervalMs: 1_000 },
  concurrency: 4,
  retryStatuses: [408, 500, 502, 503, 504],
  retryAfter: [{ header: 'x-ratelimit-reset', unit: 'epoch-seconds' }],
  timeoutMs: 60_000,
};
