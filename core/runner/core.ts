import type { Kysely } from 'kysely';
import type { MappingEngineOptions } from '../mapping';
import type { JobQueue } from '../queue/port';
import { ConfigError } from '../sdk/errors';
import type { Store } from '../store/open';
import { ReviewItemsRepo } from '../store/repos/review-items';
import type { Database } from '../store/schema';
import {
  CheckpointsRepo,
  DeadLettersRepo,
  RecordLinksRepo,
  RunRecordsRepo,
  RunsRepo,
  type Repos,
} from '../store/repos';
import type { ConnectionBudget } from './budget-port';
import {
  defaultSleep,
  type ConnectorSource,
  type FlowRunnerDeps,
  type MappingResolver,
  type RetryOptions,
  type RunnerLogger,
  type Sleep,
} from './deps';
import { createMappingResolver } from './mapping-resolver';
import { assertLease, currentLease, currentPendingWrite } from './lease';
import { NOOP_RUNNER_METRICS } from './metrics-port';
import { clearWriteInFlight } from './write-marker';
import type { RequestDeps } from './writer';

/** The runner's dependencies with their defaults filled in. */
export interface RunnerCore extends RequestDeps {
  store: Store;
  repos: Repos;
  connectors: ConnectorSource;
  mappings: MappingResolver;
  mappingOptions?: MappingEngineOptions;
  queue: JobQueue;
  budget: ConnectionBudget;
  logger: RunnerLogger;
  now: () => number;
  sleep: Sleep;
  retry?: RetryOptions;
  random: () => number;
  /** How long a run's owner may go without a heartbeat before another worker may take the run over (ms). */
  leaseMs: number;
}

/** The lease of a run without HUB_QUEUE_LOCK_MS: as long as the queue's default lock. */
export const DEFAULT_LEASE_MS = 30_000;

export function resolveDeps(deps: FlowRunnerDeps): RunnerCore {
  const connectors = deps.connectors ?? deps.registry;
  if (connectors === undefined) throw new TypeError('createFlowRunner: `connectors` (or `registry`) is required');
  return {
    store: deps.store,
    repos: deps.repos,
    connectors,
    mappings: deps.mappings ?? createMappingResolver({ mappingsDir: deps.mappingsDir, repo: deps.repos.mappings }),
    mappingOptions: deps.mappingOptions,
    queue: deps.queue,
    budget: deps.budget,
    logger: deps.logger,
    now: deps.now ?? Date.now,
    sleep: deps.sleep ?? defaultSleep,
    retry: deps.retry,
    random: deps.random ?? Math.random,
    metrics: deps.metrics ?? NOOP_RUNNER_METRICS,
    leaseMs: deps.leaseMs ?? DEFAULT_LEASE_MS,
  };
}

/** The repositories the runner writes inside one transaction (none of them holds secrets). */
export interface TxRepos {
  links: RecordLinksRepo;
  runs: RunsRepo;
  runRecords: RunRecordsRepo;
  deadLetters: DeadLettersRepo;
  checkpoints: CheckpointsRepo;
  reviewItems: ReviewItemsRepo;
}

export function txRepos(db: Kysely<Database>): TxRepos {
  return {
    links: new RecordLinksRepo(db),
    runs: new RunsRepo(db),
    runRecords: new RunRecordsRepo(db),
    deadLetters: new DeadLettersRepo(db),
    checkpoints: new CheckpointsRepo(db),
    reviewItems: new ReviewItemsRepo(db),
  };
}

/**
 * Runs `fn` atomically with repositories over the transaction. Inside a run's flight (core/runner/lease.ts) the
 * transaction first checks that the flight still owns the run and aborts (LeaseLostError, nothing written) when it
 * does not: every durable step of a run is fenced by its owner's lease.
 */
export function inTransaction<T>(core: RunnerCore, fn: (repos: TxRepos) => Promise<T>): Promise<T> {
  const lease = currentLease();
  if (lease === undefined) return core.store.transaction((trx) => fn(txRepos(trx)));
  return core.store.transaction(async (trx) => {
    // wall-clock time: leases are between processes (core.now may be a test's clock)
    await assertLease(trx, lease, Date.now());
    const repos = txRepos(trx);
    const result = await fn(repos);
    const pending = currentPendingWrite();
    if (pending !== undefined) {
      // the outcomes of a non-idempotent write are recorded in this transaction: it is no longer in flight
      await clearWriteInFlight(repos.runs, lease.runId, pending.keys);
      pending.cleared = true;
    }
    return result;
  });
}

export function configError(message: string, field?: string): ConfigError {
  return new ConfigError(message, field === undefined ? {} : { field });
}
