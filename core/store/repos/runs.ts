import type { Kysely, Selectable } from 'kysely';
import type { ErrorInfo } from '../../sdk/errors';
import { StoreNotFoundError } from '../errors';
import { ID_PREFIX, newId } from '../ids';
import { fromJsonOrUndefined, toJsonOrNull } from '../json';
import type { Database, RunFailuresTable, RunsTable } from '../schema';

export type RunStatus = 'queued' | 'running' | 'succeeded' | 'partial' | 'failed' | 'cancelled';
export type RunTrigger = 'schedule' | 'webhook' | 'manual' | 'replay';

export interface RunCounts {
  read: number;
  unchanged: number;
  created: number;
  updated: number;
  deleted: number;
  failed: number;
  deadLettered: number;
}

export interface Run {
  id: string;
  flowId: string;
  status: RunStatus;
  trigger: RunTrigger;
  counts: RunCounts;
  error?: ErrorInfo;
  createdAt: number;
  startedAt?: number;
  finishedAt?: number;
}

export interface RunFailure {
  id: string;
  runId: string;
  recordKey: string;
  reason: string;
  failureKind: string;
  field?: string;
  createdAt: number;
}

export type NewRunFailure = Pick<RunFailure, 'recordKey' | 'reason' | 'failureKind' | 'field'>;

const COUNT_COLUMNS = {
  read: 'count_read',
  unchanged: 'count_unchanged',
  created: 'count_created',
  updated: 'count_updated',
  deleted: 'count_deleted',
  failed: 'count_failed',
  deadLettered: 'count_dead_lettered',
} as const satisfies Record<keyof RunCounts, keyof RunsTable>;

type Row = Selectable<RunsTable>;

function toRun(row: Row): Run {
  const run: Run = {
    id: row.id,
    flowId: row.flow_id,
    status: row.status as RunStatus,
    trigger: row.trigger as RunTrigger,
    counts: {
      read: row.count_read,
      unchanged: row.count_unchanged,
      created: row.count_created,
      updated: row.count_updated,
      deleted: row.count_deleted,
      failed: row.count_failed,
      deadLettered: row.count_dead_lettered,
    },
    createdAt: row.created_at,
  };
  const error = fromJsonOrUndefined<ErrorInfo>(row.error_json);
  if (error !== undefined) run.error = error;
  if (row.started_at !== null) run.startedAt = row.started_at;
  if (row.finished_at !== null) run.finishedAt = row.finished_at;
  return run;
}

function toFailure(row: Selectable<RunFailuresTable>): RunFailure {
  const failure: RunFailure = {
    id: row.id,
    runId: row.run_id,
    recordKey: row.record_key,
    reason: row.reason,
    failureKind: row.failure_kind,
    createdAt: row.created_at,
  };
  if (row.field !== null) failure.field = row.field;
  return failure;
}

/** Runs of flows: status, timings and counts, plus the per-record failures of each run. */
export class RunsRepo {
  constructor(private readonly db: Kysely<Database>) {}

  async create(
    input: { flowId: string; trigger: RunTrigger; status?: RunStatus },
    now: number = Date.now(),
  ): Promise<Run> {
    const row: Row = {
      id: newId(ID_PREFIX.run, now),
      flow_id: input.flowId,
      status: input.status ?? 'queued',
      trigger: input.trigger,
      count_read: 0,
      count_unchanged: 0,
      count_created: 0,
      count_updated: 0,
      count_deleted: 0,
      count_failed: 0,
      count_dead_lettered: 0,
      error_json: null,
      created_at: now,
      started_at: input.status === 'running' ? now : null,
      finished_at: null,
    };
    await this.db.insertInto('runs').values(row).execute();
    return toRun(row);
  }

  async get(id: string): Promise<Run | undefined> {
    const row = await this.db.selectFrom('runs').selectAll().where('id', '=', id).executeTakeFirst();
    return row && toRun(row);
  }

  /** Newest first. `before` is a run id: pages through older runs. */
  async list(filter: { flowId?: string; status?: RunStatus; limit?: number; before?: string } = {}): Promise<Run[]> {
    let query = this.db
      .selectFrom('runs')
      .selectAll()
      .orderBy('created_at', 'desc')
      .orderBy('id', 'desc')
      .limit(filter.limit ?? 50);
    if (filter.flowId !== undefined) query = query.where('flow_id', '=', filter.flowId);
    if (filter.status !== undefined) query = query.where('status', '=', filter.status);
    if (filter.before !== undefined) query = query.where('id', '<', filter.before);
    return (await query.execute()).map(toRun);
  }

  /** The flow's queued or running runs, oldest first (the runner keeps at most one). */
  async active(flowId: string): Promise<Run[]> {
    const rows = await this.db
      .selectFrom('runs')
      .selectAll()
      .where('flow_id', '=', flowId)
      .where('status', 'in', ['queued', 'running'])
      .orderBy('created_at')
      .orderBy('id')
      .execute();
    return rows.map(toRun);
  }

  async start(id: string, now: number = Date.now()): Promise<void> {
    const result = await this.db
      .updateTable('runs')
      .set({ status: 'running', started_at: now })
      .where('id', '=', id)
      .executeTakeFirst();
    if (Number(result.numUpdatedRows) === 0) throw new StoreNotFoundError('run', id);
  }

  /** Adds to the counts atomically (safe when several workers record batches of the same run). */
  async addCounts(id: string, delta: Partial<RunCounts>): Promise<void> {
    const entries = (Object.keys(COUNT_COLUMNS) as Array<keyof RunCounts>).filter((k) => (delta[k] ?? 0) !== 0);
    if (entries.length === 0) return;
    await this.db
      .updateTable('runs')
      .set((eb) => {
        const set: Partial<Record<(typeof COUNT_COLUMNS)[keyof RunCounts], ReturnType<typeof eb>>> = {};
        for (const key of entries) set[COUNT_COLUMNS[key]] = eb(COUNT_COLUMNS[key], '+', delta[key] as number);
        return set;
      })
      .where('id', '=', id)
      .execute();
  }

  async finish(id: string, outcome: { status: RunStatus; error?: ErrorInfo }, now: number = Date.now()): Promise<void> {
    const result = await this.db
      .updateTable('runs')
      .set({ status: outcome.status, error_json: toJsonOrNull(outcome.error), finished_at: now })
      .where('id', '=', id)
      .executeTakeFirst();
    if (Number(result.numUpdatedRows) === 0) throw new StoreNotFoundError('run', id);
  }

  async recordFailures(runId: string, failures: readonly NewRunFailure[], now: number = Date.now()): Promise<void> {
    if (failures.length === 0) return;
    const rows = failures.map((f) => ({
      id: newId(ID_PREFIX.runFailure, now),
      run_id: runId,
      record_key: f.recordKey,
      reason: f.reason,
      failure_kind: f.failureKind,
      field: f.field ?? null,
      created_at: now,
    }));
    for (let i = 0; i < rows.length; i += 500)
      await this.db
        .insertInto('run_failures')
        .values(rows.slice(i, i + 500))
        .execute();
  }

  async failures(runId: string, options: { limit?: number; offset?: number } = {}): Promise<RunFailure[]> {
    const rows = await this.db
      .selectFrom('run_failures')
      .selectAll()
      .where('run_id', '=', runId)
      .orderBy('id')
      .limit(options.limit ?? 100)
      .offset(options.offset ?? 0)
      .execute();
    return rows.map(toFailure);
  }
}
