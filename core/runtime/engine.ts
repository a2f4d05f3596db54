import { createScheduler, type FlowService, type Scheduler } from '../flows';
import type { HubLogger } from '../logging/logger';
import { createHubMetrics, type HubMetrics } from '../observability';
import { createQueue, DEFAULT_QUEUE_LOCK_MS, DEFAULT_QUEUE_PREFIX, type JobQueue } from '../queue';
import { checkRedis } from '../queue/redis-check';
import { createFlowRunner } from '../runner';
import { Redis } from 'ioredis';
import { RedisHealth, redactRedisUrl } from '../queue/redis-health';
import { createBudget, createRedisBudget } from '../runner/budget';
import type { ConnectionBudget } from '../runner/budget-port';
import type { FlowRunner } from '../runner/runner-port';
import { flowServiceFor } from './flow-service';
import type { Hub } from './hub';
import { mappingOptionsFromConfig } from './mapping-options';

export interface OpenEngineOptions {
  /** Build the scheduler (`hub serve`, `hub worker`); it is started by the caller. Default true. */
  scheduler?: boolean;
  logger?: HubLogger;
  /** Where the runner counts records, requests and job latency; default: a new registry (`engine.metrics`). */
  metrics?: HubMetrics;
  /**
   * How long to wait for Redis (HUB_REDIS_URL) at start-up before failing with one line (default 10000). The check
   * also refuses a Redis whose maxmemory-policy is not noeviction.
   */
  redisWaitMs?: number;
}

/**
 * What runs flows, on top of a hub: the queue (embedded, or BullMQ with HUB_REDIS_URL), the per-connection rate
 * budget, the runner and the scheduler. Workers and the scheduler are started by the caller (`hub serve`,
 * `hub worker`, `hub flows run`); `close()` stops them gracefully and closes the queue, not the hub.
 */
export interface Engine {
  queue: JobQueue;
  budget: ConnectionBudget;
  runner: FlowRunner;
  flows: FlowService;
  scheduler?: Scheduler;
  /** The Prometheus metrics of this process (serve: pass them to createApp for GET /metrics). */
  metrics: HubMetrics;
  close(): Promise<void>;
}

/**
 * The rate budgets: in Redis with a connection of the engine's, which waits for Redis to come back instead of
 * failing requests (so an outage pauses the writes of the runs in flight) and reports an outage through `health`.
 */
function openBudget(
  redisUrl: string | undefined,
  logger: HubLogger,
  prefix: string,
  health: RedisHealth | undefined,
): { budget: ConnectionBudget; closeBudgetClient: () => Promise<void> } {
  if (!redisUrl || health === undefined) {
    return { budget: createBudget({}, { logger }), closeBudgetClient: async () => undefined };
  }
  const client = new Redis(redisUrl, { maxRetriesPerRequest: null });
  client.on('error', (error) => health.error(error, 'budget: Redis connection error'));
  client.on('ready', () => health.ready());
  return {
    budget: createRedisBudget({ client, logger, prefix: `${prefix}:budget` }),
    closeBudgetClient: async () => {
      await client.quit().catch(() => client.disconnect());
    },
  };
}

export async function openEngine(hub: Hub, options: OpenEngineOptions = {}): Promise<Engine> {
  const logger = options.logger ?? hub.logger;
  // HUB_QUEUE_LOCK_MS: how soon a killed worker's run is taken up again (lower) vs how long an event loop may stall
  // before a live worker loses its job (higher). HUB_QUEUE_PREFIX: every Redis key of this hub, budgets included.
  const { queueLockMs: lockMs, queuePrefix: prefix = DEFAULT_QUEUE_PREFIX } = hub.config;
  // fail fast, with one line naming HUB_REDIS_URL, rather than reconnect forever with an error per attempt
  if (hub.config.redisUrl) await checkRedis(hub.config.redisUrl, { waitMs: options.redisWaitMs });
  // one line when Redis goes away and one when it is back, for the queue and the budgets together
  const health = hub.config.redisUrl ? new RedisHealth(logger, redactRedisUrl(hub.config.redisUrl)) : undefined;
  const queue = createQueue(
    { redisUrl: hub.config.redisUrl },
    {
      store: hub.store,
      logger,
      embedded: lockMs === undefined ? {} : { lockMs },
      bullmq: { prefix, ...(lockMs === undefined ? {} : { lockMs }), ...(health ? { health } : {}) },
    },
  );
  const { budget, closeBudgetClient } = openBudget(hub.config.redisUrl, logger, prefix, health);
  const metrics =
    options.metrics ??
    createHubMetrics({
      queue,
      onCollectError: (name, error) =>
        logger.warn(
          { queue: name, err: error instanceof Error ? error.message : String(error) },
          'queue depth unavailable',
        ),
    });
  if (options.metrics !== undefined) metrics.watchQueue(queue);
  const runner = createFlowRunner({
    store: hub.store,
    repos: hub.repos,
    registry: hub.registry,
    vault: hub.vault,
    queue,
    budget,
    logger,
    mappingsDir: hub.config.mappingsDir,
    mappingOptions: mappingOptionsFromConfig(hub.config),
    metrics: metrics.runner,
    // a run's lease lasts as long as the queue lock: a frozen or cut-off owner is taken over after it
    leaseMs: lockMs ?? DEFAULT_QUEUE_LOCK_MS,
  });
  const scheduler =
    options.scheduler === false
      ? undefined
      : createScheduler({ repos: hub.repos, runner, logger: logger.child({ module: 'scheduler' }) });
  let closing: Promise<void> | undefined;
  return {
    queue,
    budget,
    runner,
    flows: flowServiceFor(hub),
    scheduler,
    metrics,
    close() {
      closing ??= (async () => {
        const steps: [string, () => Promise<void>][] = [
          ['scheduler', async () => scheduler?.stop()],
          ['runner', () => runner.close()],
          ['queue', () => queue.close()],
          ['budget', () => budget.close()],
          ['budget Redis', closeBudgetClient],
        ];
        for (const [name, step] of steps) {
          try {
            await step();
          } catch (error) {
            logger.warn({ err: error instanceof Error ? error.message : String(error), part: name }, 'close failed');
          }
        }
      })();
      return closing;
    },
  };
}
