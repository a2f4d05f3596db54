/**
 * Inbound webhooks: the framework-independent ingress (verify → parse → de-duplicate → record → tell the runner),
 * group commit for recording, a per-connection rate limiter, and the vendors' signature helpers that connectors
 * call from their WebhookDefinition. The HTTP side is core/api/webhooks-router.ts.
 */
export {
  WebhookIngress,
  type IngressRequest,
  type IngressResponse,
  type Problem,
  type WebhookIngressDeps,
} from './ingress';
export { AcceptedLanes, type OnAccepted } from './accepted-lanes';
export { RecordBatcher } from './record-batcher';
export { SqliteEventWriter, webhookEventRecorder, type SqliteEventWriterOptions } from './sqlite-event-writer';
export { SlidingWindowRateLimiter, type RateDecision, type RateLimitOptions } from './rate-limit';
export * from './signatures';
