import type { HubLogger } from '../logging/logger';
import type { Store } from '../store/open';
import { createBullmqQueue, type BullmqQueueOptions } from './bullmq';
import { createEmbeddedQueue, type EmbeddedQueueOptions } from './embedded';
import type { JobQueue } from './port';

export * from './port';
export { createEmbeddedQueue, type EmbeddedQueueOptions } from './embedded';
export { createBullmqQueue, fromBullJobId, toBullJobId, type BullmqQueueOptions } from './bullmq';
export type { BackoffOptions } from './shared';
export { DEFAULT_QUEUE_LOCK_MS, DEFAULT_QUEUE_PREFIX } from './shared';

export interface QueueDeps {
  /** The store holding the embedded driver's jobs (unused by BullMQ). */
  store: Store;
  logger?: HubLogger;
  /** Driver tuning beyond the defaults (tests, benchmarks). */
  embedded?: Omit<EmbeddedQueueOptions, 'store' | 'logger'>;
  bullmq?: Omit<BullmqQueueOptions, 'redisUrl' | 'logger'>;
}

/** The queue named by the configuration: BullMQ when a Redis URL is set, else the embedded driver. */
export function createQueue(config: { redisUrl?: string }, deps: QueueDeps): JobQueue {
  if (config.redisUrl) {
    return createBullmqQueue({ ...deps.bullmq, redisUrl: config.redisUrl, logger: deps.logger });
  }
  return createEmbeddedQueue({ ...deps.embedded, store: deps.store, logger: deps.logger });
}
