import type { Kysely } from 'kysely';
import type { MappingEngineOptions } from '../mapping';
import type { JobQueue } from '../queue/port';
import { ConfigError } from '../sdk/errors';
import type { Store } from '../store/open';
import type { Database } from '../store/schema';
import { CheckpointsRepo, DeadLettersRepo, RecordLinksRepo, RunsRepo, type Repos } from '../store/repos';
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
import { NOOP_RUNNER_METRICS } from './metrics-port';
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
}

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
  };
}

/** The repositories the runner writes inside one transaction (none of them holds secrets). */
export interface TxRepos {
  links: RecordLinksRepo;
  runs: RunsRepo;
  deadLetters: DeadLettersRepo;
  checkpoints: CheckpointsRepo;
}

export function txRepos(db: Kysely<Database>): TxRepos {
  return {
    links: new RecordLinksRepo(db),
    runs: new RunsRepo(db),
    deadLetters: new DeadLettersRepo(db),
    checkpoints: new CheckpointsRepo(db),
  };
}

/** Runs `fn` atomically with repositories over the transaction. */
export function inTransaction<T>(core: RunnerCore, fn: (repos: TxRepos) => Promise<T>): Promise<T> {
  return core.store.transaction((trx) => fn(txRepos(trx)));
}

export function configError(message: string, field?: string): ConfigError {
  return new ConfigError(message, field === undefined ? {} : { field });
}
