import { createScheduler, type FlowService, type Scheduler } from '../flows';
import type { HubLogger } from '../logging/logger';
import { createHubMetrics, type HubMetrics } from '../observability';
import { createQueue, DEFAULT_QUEUE_PREFIX, type JobQueue } from '../queue';
import { createFlowRunner } from '../runner';
import { createBudget } from '../runner/budget';
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

export async function openEngine(hub: Hub, options: OpenEngineOptions = {}): Promise<Engine> {
  const logger = options.logger ?? hub.logger;
  // HUB_QUEUE_LOCK_MS: how soon a killed worker's run is taken up again (lower) vs how long an event loop may stall
  // before a live worker loses its job (higher). HUB_QUEUE_PREFIX: every Redis key of this hub, budgets included.
  const { queueLockMs: lockMs, queuePrefix: prefix = DEFAULT_QUEUE_PREFIX } = hub.config;
  const queue = createQueue(
    { redisUrl: hub.config.redisUrl },
    {
      store: hub.store,
      logger,
      embedded: lockMs === undefined ? {} : { lockMs },
      bullmq: { prefix, ...(lockMs === undefined ? {} : { lockMs }) },
    },
  );
  const budget = createBudget({ redisUrl: hub.config.redisUrl }, { logger, prefix: `${prefix}:budget` });
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
