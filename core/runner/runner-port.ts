import type { ErrorInfo } from '../sdk/errors';
import type { RunTrigger } from '../store/repos/runs';

/**
 * What the flows module, the CLI and the API ask of the runner. The runner owns checkpoints, record links,
 * retries, the dead-letter ledger and run records; callers only start runs and read their records.
 */

export const RUN_QUEUE = 'runs';

export interface DryRunRecord {
  sourceKey: string;
  decision:
    | 'create'
    | 'update'
    | 'unchanged'
    | 'skip-echo'
    | 'skip-conflict'
    | 'skip-suppressed'
    | 'skip-filtered'
    | 'delete'
    | 'invalid';
  /** The mapped payload that would be written (absent when unchanged or invalid). */
  payload?: Record<string, unknown>;
  reason?: string;
}

export interface DryRunReport {
  flowId: string;
  read: number;
  records: DryRunRecord[];
  /** True when the source had more records than the dry run looked at. */
  truncated: boolean;
  /** What the records alone do not say about the run (a replace of the whole set; a run that would send nothing). */
  notes?: string[];
}

export interface ReplayReport {
  replayed: number;
  written: number;
  /** Ids that failed again (they stay in the ledger with the new reason). */
  stillFailing: string[];
  /** The replay run (the last one when the dead letters belonged to several flows). */
  runId?: string;
  /** Set when a replay run stopped as a whole (e.g. the target refused its credentials). */
  error?: ErrorInfo;
}

export interface FlowRunner {
  /** Creates the run record and enqueues its job (idempotent per flow: a flow has at most one queued/running run). */
  startRun(flowId: string, trigger: RunTrigger): Promise<{ runId: string; created: boolean }>;
  /** Reads up to `limit` records and shows what would be written; writes nothing, saves no checkpoint. */
  dryRun(flowId: string, options?: { limit?: number }): Promise<DryRunReport>;
  /** Replays dead letters (by ids, or all pending of a flow) through the CURRENT mapping version. */
  replayDeadLetters(selector: { ids?: string[]; flowId?: string; fromStored?: boolean }): Promise<ReplayReport>;
  /** Registers the run-queue handler on this process (`hub serve`, `hub worker`, `hub flows run`). */
  startWorker(options?: { concurrency?: number }): Promise<void>;
  /** Graceful: in-flight runs stop at a page boundary with their checkpoint saved, and are handed back. */
  close(): Promise<void>;
}
