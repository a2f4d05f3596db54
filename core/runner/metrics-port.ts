import type { RunCounts } from '../store/repos';

/**
 * What the runner reports to metrics (core/observability implements it with prom-client). Label values are flow
 * and connection names, never record contents. Without metrics the runner uses NOOP_RUNNER_METRICS.
 */
export interface RunnerMetrics {
  /** Records a run read from its source stream. */
  recordsRead(flow: string, count: number): void;
  /** Records the target accepted, by what happened to them. */
  recordsWritten(flow: string, operation: 'created' | 'updated' | 'deleted', count: number): void;
  recordsFailed(flow: string, count: number): void;
  recordsDeadLettered(flow: string, count: number): void;
  /** One request to a connection (a page read or a write call), made holding a slot of its budget. */
  connectorRequest(connection: string, kind: 'read' | 'write'): void;
  /** The vendor answered 429 (RateLimitedError): the connection is paused. */
  rateLimited(connection: string): void;
  /** Time between a job being enqueued and a worker starting it. */
  jobLatency(queue: string, seconds: number): void;
  /** The orphan reaper enqueued a run again that had no live job behind it. */
  orphanedRunRequeued?(): void;
  /** A flight stopped because another worker took its run over. */
  leaseLost?(): void;
}

const noop = (): void => undefined;

export const NOOP_RUNNER_METRICS: RunnerMetrics = {
  recordsRead: noop,
  recordsWritten: noop,
  recordsFailed: noop,
  recordsDeadLettered: noop,
  connectorRequest: noop,
  rateLimited: noop,
  jobLatency: noop,
  orphanedRunRequeued: noop,
  leaseLost: noop,
};

/** Reports the counts a batch added to its run (after its transaction committed). `read` is reported by the reader. */
export function reportCounts(metrics: RunnerMetrics, flow: string, counts: Partial<RunCounts>): void {
  for (const operation of ['created', 'updated', 'deleted'] as const) {
    const n = counts[operation] ?? 0;
    if (n > 0) metrics.recordsWritten(flow, operation, n);
  }
  if ((counts.failed ?? 0) > 0) metrics.recordsFailed(flow, counts.failed ?? 0);
  if ((counts.deadLettered ?? 0) > 0) metrics.recordsDeadLettered(flow, counts.deadLettered ?? 0);
}
