import type { MappingEngineOptions } from '../mapping';
import type { Registry } from '../registry';
import type { Repos, Run, RunCounts, RunStatus, StoredFlow } from '../store/repos';

/** The contracts of the flow service (service.ts): its dependencies, options and what it answers. */

export interface FlowServiceDeps {
  repos: Repos;
  registry: Pick<Registry, 'has' | 'get'>;
  /** The mappings folder (config.mappingsDir); stored mappings are looked up too. */
  mappingsDir: string;
  /** The templates folder (config.flowsDir). */
  flowsDir: string;
  mappingOptions?: MappingEngineOptions;
  /** Runs `fn` atomically (store.transaction with repos over the transaction); without it, changes are sequential. */
  transaction?: <T>(fn: (repos: Repos) => Promise<T>) => Promise<T>;
  now?: () => number;
}

export interface ChangeOptions {
  /** Who makes the change, for the audit log: an API token name, `cli` (default), `system`. */
  actor?: string;
}

export interface CreateOptions extends ChangeOptions {
  enabled?: boolean;
  template?: string;
}

export interface EnableTemplateOptions extends ChangeOptions {
  /** Role → connection name (or id). */
  connections: Record<string, string>;
  /** Prefixes the flow names and the link group, to enable a template more than once. */
  namePrefix?: string;
  /** Replaces the template's trigger on every flow: `manual`, or a cron expression (in `timezone`, default UTC). */
  schedule?: string;
  timezone?: string;
}

export interface ResetOptions extends ChangeOptions {
  /** Epoch ms: the next run reads what changed since then (streams that cannot, read everything). */
  from?: number;
}

/** What `reset` did: the checkpoints it forgot, and the time the next read starts from (if one was given). */
export interface FlowReset {
  flow: StoredFlow;
  stream: string;
  clearedCheckpoints: number;
  from?: string;
}

export interface RemoveOptions extends ChangeOptions {
  /** Delete even while a run is queued or running (that run is abandoned). */
  force?: boolean;
}

/** What `remove` deleted with the flow, and what became of its record links. */
export interface FlowDeletion {
  flow: StoredFlow;
  runs: number;
  deadLetters: number;
  checkpoints: number;
  links: { linkGroup: string; count: number; kept: boolean; keptFor?: string[] };
}

/** A flow's trigger in words and its next (first) run time, as `flows enable` reports it. */
export interface FlowSchedule {
  flow: string;
  words: string;
  firstRunAt?: number;
  /** The schedule's time zone (schedule triggers). */
  timezone?: string;
}

export interface FlowStatus {
  flow: StoredFlow;
  /** Newest first. */
  runs: Run[];
  /** Sums of the counts of `runs`. */
  totals: RunCounts;
  byStatus: Partial<Record<RunStatus, number>>;
  pendingDeadLetters: number;
  /** Enabled schedule flows: the next fire time (epoch ms). */
  nextRunAt?: number;
}
