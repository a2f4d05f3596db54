import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';
import type { JobQueue, QueueDepth } from '../queue/port';
import type { RunnerMetrics } from '../runner/metrics-port';
import { RUN_QUEUE } from '../runner/runner-port';
import { outboundRegistry } from './outbound';

/**
 * The hub's Prometheus metrics, in a registry of their own (never prom-client's global one, so several hubs in one
 * test process do not collide), plus prom-client's default process metrics, collected once per process in a
 * registry of their own and merged in on every scrape. Label values are flow, connection and queue names, HTTP methods, route patterns
 * and status codes: never record contents or personal data, and never a raw URL.
 */

export const METRIC_NAMES = {
  recordsRead: 'hub_records_read_total',
  recordsWritten: 'hub_records_written_total',
  recordsFailed: 'hub_records_failed_total',
  recordsDeadLettered: 'hub_records_dead_lettered_total',
  connectorRequests: 'hub_connector_requests_total',
  rateLimited: 'hub_connector_rate_limited_total',
  queueJobs: 'hub_queue_jobs',
  jobLatency: 'hub_job_latency_seconds',
  httpDuration: 'hub_http_request_duration_seconds',
  orphanedRuns: 'hub_orphaned_runs_requeued_total',
  leasesLost: 'hub_run_leases_lost_total',
} as const;

/** One finished HTTP request, as the middleware saw it. */
export interface HttpSample {
  method: string;
  /** The route pattern (`/api/v1/flows/:flowId`), or `unmatched`. */
  route: string;
  status: number;
  seconds: number;
}

/** The failure of a queue-depth scrape (the gauge is left empty for that scrape). */
export type CollectErrorHandler = (queue: string, error: unknown) => void;

export interface HubMetricsOptions {
  /** Its depth is read on every scrape (hub_queue_jobs). Can also be given later with `watchQueue`. */
  queue?: Pick<JobQueue, 'depth'>;
  /** Queues whose depth is reported. Default: the run queue. */
  queues?: readonly string[];
  /** prom-client's default process metrics (CPU, memory, event loop, GC). Default true. */
  defaultMetrics?: boolean;
  onCollectError?: CollectErrorHandler;
}

export interface HubMetrics {
  /** The hub's own metrics (without the process metrics, which `render` adds). */
  readonly registry: Registry;
  /** What the flow runner reports to (FlowRunnerDeps.metrics). */
  readonly runner: RunnerMetrics;
  observeHttp(sample: HttpSample): void;
  /** Reports the depth of `queue` on every scrape (replaces a queue given before). */
  watchQueue(queue: Pick<JobQueue, 'depth'>): void;
  /** The exposition text and its content type, for GET /metrics. */
  render(): Promise<{ contentType: string; body: string }>;
}

const JOB_LATENCY_BUCKETS = [0.01, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 300, 900];
const HTTP_BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];
const QUEUE_STATES: readonly (keyof QueueDepth)[] = ['waiting', 'active', 'delayed', 'failed'];

let processRegistry: Registry | undefined;

/** The process metrics (CPU, memory, event loop, GC): one collector per process, however many hubs it opens. */
function processMetrics(): Registry {
  if (processRegistry === undefined) {
    processRegistry = new Registry();
    collectDefaultMetrics({ register: processRegistry });
  }
  return processRegistry;
}

export function createHubMetrics(options: HubMetricsOptions = {}): HubMetrics {
  const registry = new Registry();
  const defaults = options.defaultMetrics === false ? undefined : processMetrics();
  const registers = [registry];

  const recordsRead = new Counter({
    name: METRIC_NAMES.recordsRead,
    help: 'Records read from source streams',
    labelNames: ['flow'],
    registers,
  });
  const recordsWritten = new Counter({
    name: METRIC_NAMES.recordsWritten,
    help: 'Records written to targets, by operation (created, updated, deleted)',
    labelNames: ['flow', 'operation'],
    registers,
  });
  const recordsFailed = new Counter({
    name: METRIC_NAMES.recordsFailed,
    help: 'Records that failed (permanently, or after their retries)',
    labelNames: ['flow'],
    registers,
  });
  const recordsDeadLettered = new Counter({
    name: METRIC_NAMES.recordsDeadLettered,
    help: 'Failed records put in the dead-letter ledger',
    labelNames: ['flow'],
    registers,
  });
  const connectorRequests = new Counter({
    name: METRIC_NAMES.connectorRequests,
    help: 'Requests made to connections (page reads and write calls)',
    labelNames: ['connection', 'kind'],
    registers,
  });
  const rateLimited = new Counter({
    name: METRIC_NAMES.rateLimited,
    help: 'Requests the vendor answered with 429 (the connection was paused)',
    labelNames: ['connection'],
    registers,
  });
  const jobLatency = new Histogram({
    name: METRIC_NAMES.jobLatency,
    help: 'Time from a job being enqueued to a worker starting it',
    labelNames: ['queue'],
    buckets: JOB_LATENCY_BUCKETS,
    registers,
  });
  const orphanedRuns = new Counter({
    name: METRIC_NAMES.orphanedRuns,
    help: 'Runs found running or queued with no live job behind them and enqueued again from their checkpoint',
    registers,
  });
  const leasesLost = new Counter({
    name: METRIC_NAMES.leasesLost,
    help: 'Flights that stopped because another worker took their run over (their late writes were refused)',
    registers,
  });
  const httpDuration = new Histogram({
    name: METRIC_NAMES.httpDuration,
    help: 'Duration of HTTP requests, by method, route pattern and status',
    labelNames: ['method', 'route', 'status'],
    buckets: HTTP_BUCKETS,
    registers,
  });

  let watched = options.queue;
  const queues = options.queues ?? [RUN_QUEUE];
  new Gauge({
    name: METRIC_NAMES.queueJobs,
    help: 'Jobs in a queue, by state (read on every scrape)',
    labelNames: ['queue', 'state'],
    registers,
    async collect() {
      this.reset();
      if (watched === undefined) return;
      for (const queue of queues) {
        try {
          const depth = await watched.depth(queue);
          for (const state of QUEUE_STATES) this.set({ queue, state }, depth[state]);
        } catch (error) {
          options.onCollectError?.(queue, error);
        }
      }
    },
  });

  const runner: RunnerMetrics = {
    recordsRead: (flow, count) => recordsRead.inc({ flow }, count),
    recordsWritten: (flow, operation, count) => recordsWritten.inc({ flow, operation }, count),
    recordsFailed: (flow, count) => recordsFailed.inc({ flow }, count),
    recordsDeadLettered: (flow, count) => recordsDeadLettered.inc({ flow }, count),
    connectorRequest: (connection, kind) => connectorRequests.inc({ connection, kind }),
    rateLimited: (connection) => rateLimited.inc({ connection }),
    jobLatency: (queue, seconds) => jobLatency.observe({ queue }, seconds),
    orphanedRunRequeued: () => orphanedRuns.inc(),
    leaseLost: () => leasesLost.inc(),
  };

  return {
    registry,
    runner,
    observeHttp(sample) {
      httpDuration.observe(
        { method: sample.method, route: sample.route, status: String(sample.status) },
        sample.seconds,
      );
    },
    watchQueue(queue) {
      watched = queue;
    },
    async render() {
      const parts = defaults === undefined ? [registry] : [defaults, registry];
      const exposed = Registry.merge([...parts, outboundRegistry()]);
      return { contentType: exposed.contentType, body: await exposed.metrics() };
    },
  };
}
