/**
 * The flow runner (docs/architecture.md §3): read → compare → map → write → record, per page, driven by run jobs.
 */
export { createFlowRunner, runJobId } from './service';
export { createMappingResolver, type MappingResolverOptions } from './mapping-resolver';
export {
  defaultSleep,
  RunAbortedError,
  type ConnectorSource,
  type FlowRunnerDeps,
  type MappingResolver,
  type RetryOptions,
  type RunnerLogger,
  type Sleep,
} from './deps';
export { RUN_JOB_ATTEMPTS, type RunJobData } from './executor';
export { identifierHash, suppressionCandidates } from './suppression';
export { contentHash, stableStringify } from './hashing';
export { backoffDelay, DEFAULT_MAX_ATTEMPTS } from './retry';
export * from './runner-port';
export type * from './budget-port';
