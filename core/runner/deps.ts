import type { MappingDefinition, MappingEngineOptions } from '../mapping';
import type { JobQueue } from '../queue/port';
import type { ConnectorDefinition, ConnectorLogger } from '../sdk/define';
import type { Store } from '../store/open';
import type { Repos } from '../store/repos';
import type { ConnectionBudget } from './budget-port';
import type { RunnerMetrics } from './metrics-port';

/** The logger the runner writes to (pino's HubLogger satisfies it); records are logged by key, never in full. */
export interface RunnerLogger extends ConnectorLogger {
  /** A logger whose lines carry `bindings` (pino's child); a logger without it is used as it is. */
  child?(bindings: Record<string, string>): RunnerLogger;
}

/** The logger handed to a connector: a child bound to the flow and connection it works for. */
export function childLogger(logger: RunnerLogger, bindings: Record<string, string>): RunnerLogger {
  return typeof logger.child === 'function' ? logger.child(bindings) : logger;
}

/** Where connectors come from: the Registry satisfies it. */
export interface ConnectorSource {
  get(id: string): ConnectorDefinition;
}

/** Where mappings come from: `createMappingResolver` (the store first, then the mappings folder). */
export interface MappingResolver {
  /** The given version, or the current (newest) one. Throws ConfigError when there is none. */
  resolve(id: string, version?: string): Promise<MappingDefinition>;
}

/** Waits `ms`, or rejects with the signal's reason as soon as the signal aborts. */
export type Sleep = (ms: number, signal?: AbortSignal) => Promise<void>;

export interface RetryOptions {
  /** Wait before the second attempt; doubles with every further attempt (with jitter). Default 500. */
  baseMs?: number;
  /** Ceiling of one wait. Default 60000. */
  maxMs?: number;
  /** How long retryable failures are retried, the backoff waits added up (ms). Default 300000 (core/runner/retry.ts). */
  maxElapsedMs?: number;
}

export interface FlowRunnerDeps {
  store: Store;
  repos: Repos;
  /** The connector registry (or anything with `get(id)`). `registry` is accepted as another name for it. */
  connectors?: ConnectorSource;
  registry?: ConnectorSource;
  /** How mappings are found; without it, `createMappingResolver({ mappingsDir, repo: repos.mappings })`. */
  mappings?: MappingResolver;
  mappingsDir?: string;
  mappingOptions?: MappingEngineOptions;
  queue: JobQueue;
  budget: ConnectionBudget;
  logger: RunnerLogger;
  /** Not needed by the runner (its transactions use repositories that hold no secrets); accepted for symmetry. */
  vault?: unknown;
  /** The clock for run, link and pause times. Default Date.now. */
  now?: () => number;
  /** Backoff waits go through it (tests scale them). Default: a timer that honours the signal. */
  sleep?: Sleep;
  retry?: RetryOptions;
  /** Random source of the backoff jitter, in [0, 1). Default Math.random. */
  random?: () => number;
  /** Worker concurrency when startWorker is called without one. Default 2. */
  workerConcurrency?: number;
  /** Where records, requests, 429s and job latency are counted (core/observability). Default: nowhere. */
  metrics?: RunnerMetrics;
  /**
   * How long a run's owner may go without a heartbeat before another worker takes the run over, and how soon an
   * orphaned run (no live job behind it) is re-enqueued: the queue lock (HUB_QUEUE_LOCK_MS). Default 30000.
   */
  leaseMs?: number;
  /** How often this worker looks for orphaned runs (ms). Default: the lease. 0 turns the reaper off. */
  reaperIntervalMs?: number;
}

/** The default sleep: a timer, cancelled (rejecting with the abort reason) when the signal aborts. */
export const defaultSleep: Sleep = (ms, signal) =>
  new Promise<void>((resolve, reject) => {
    if (signal?.aborted) {
      reject(abortReason(signal));
      return;
    }
    const onAbort = () => {
      clearTimeout(timer);
      reject(abortReason(signal as AbortSignal));
    };
    const timer = setTimeout(
      () => {
        signal?.removeEventListener('abort', onAbort);
        resolve();
      },
      Math.max(0, ms),
    );
    signal?.addEventListener('abort', onAbort, { once: true });
  });

/** Thrown where a run stops because its signal aborted (shutdown): the run is handed back, not failed. */
export class RunAbortedError extends Error {
  constructor(reason?: unknown) {
    super(`the run was interrupted${reason instanceof Error ? `: ${reason.message}` : ''}`);
    this.name = 'RunAbortedError';
  }
}

export function abortReason(signal: AbortSignal): RunAbortedError {
  return new RunAbortedError(signal.reason);
}

export function throwIfAborted(signal: AbortSignal | undefined): void {
  if (signal?.aborted) throw abortReason(signal);
}
