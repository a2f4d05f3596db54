import type { Kysely, Selectable } from 'kysely';
import { redactVendorText, redactVendorValue } from '../../security/redact';
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
      lease: 0,
      heartbeat_at: null,
      write_in_flight: null,
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

  /**
   * Fencing (see core/runner/lease.ts): makes the caller the run's owner by bumping its lease epoch, and marks it
   * running. Refused (undefined) when the run is finished, or when another owner showed it is alive after
   * `staleBefore` (its heartbeat is fresh): then `liveUntil` says when that heartbeat goes stale.
   */
  async activate(
    id: string,
    now: number,
    staleBefore: number,
    /** The start time recorded when the run starts now (the runner's clock). Default `now`. */
    startedAt: number = now,
  ): Promise<{ lease: number; run: Run } | { refused: 'finished' | 'gone' } | { refused: 'live'; staleAt: number }> {
    const row = await this.db
      .updateTable('runs')
      .set((eb) => ({
        lease: eb('lease', '+', 1),
        status: 'running',
        started_at: eb.fn.coalesce('started_at', eb.val(startedAt)),
        heartbeat_at: now,
      }))
      .where('id', '=', id)
      .where('status', 'in', ['queued', 'running'])
      .where((eb) => eb.or([eb('heartbeat_at', 'is', null), eb('heartbeat_at', '<', staleBefore)]))
      .returningAll()
      .executeTakeFirst();
    if (row !== undefined) return { lease: Number(row.lease), run: toRun(row) };
    const current = await this.db
      .selectFrom('runs')
      .select(['status', 'heartbeat_at'])
      .where('id', '=', id)
      .executeTakeFirst();
    if (current === undefined) return { refused: 'gone' };
    if (current.status !== 'queued' && current.status !== 'running') return { refused: 'finished' };
    return { refused: 'live', staleAt: Number(current.heartbeat_at ?? 0) + (now - staleBefore) };
  }

  /** The owner stops working the run without finishing it (hand-back, retry): the next activation may start at once. */
  async releaseLease(id: string, lease: number): Promise<boolean> {
    const result = await this.db
      .updateTable('runs')
      .set({ heartbeat_at: null })
      .where('id', '=', id)
      .where('lease', '=', lease)
      .where('status', 'in', ['queued', 'running'])
      .executeTakeFirst();
    return Number(result.numUpdatedRows) > 0;
  }

  /**
   * Queued or running runs nobody showed alive since `staleBefore` (heartbeat, else start, else creation): the
   * orphan reaper's candidates (their job may be lost), oldest first.
   */
  async stale(staleBefore: number, limit = 50): Promise<Run[]> {
    const rows = await this.db
      .selectFrom('runs')
      .selectAll()
      .where('status', 'in', ['queued', 'running'])
      .where((eb) => eb(eb.fn.coalesce('heartbeat_at', 'started_at', 'created_at'), '<', staleBefore))
      .orderBy('created_at')
      .limit(limit)
      .execute();
    return rows.map(toRun);
  }

  /** The lease epoch of a run (tests, diagnostics). */
  async lease(id: string): Promise<number | undefined> {
    const row = await this.db.selectFrom('runs').select('lease').where('id', '=', id).executeTakeFirst();
    return row === undefined ? undefined : Number(row.lease);
  }

  /** The marker of non-idempotent writes sent and not yet recorded (see core/runner/review.ts). */
  async writeInFlight(id: string): Promise<string | null> {
    const row = await this.db.selectFrom('runs').select('write_in_flight').where('id', '=', id).executeTakeFirst();
    return row?.write_in_flight ?? null;
  }

  async setWriteInFlight(id: string, marker: string | null): Promise<void> {
    await this.db.updateTable('runs').set({ write_in_flight: marker }).where('id', '=', id).execute();
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

  /**
   * Marks the run finished. With `lease`, only while that lease owns the run and it is not finished yet: false when
   * it does not (a stale owner's late end of the run changes nothing).
   */
  async finish(
    id: string,
    outcome: { status: RunStatus; error?: ErrorInfo },
    now: number = Date.now(),
    lease?: number,
  ): Promise<boolean> {
    let query = this.db
      .updateTable('runs')
      .set({
        status: outcome.status,
        error_json: toJsonOrNull(redactVendorValue(outcome.error)),
        finished_at: now,
        heartbeat_at: null,
      })
      .where('id', '=', id);
    if (lease !== undefined) query = query.where('lease', '=', lease).where('status', 'in', ['queued', 'running']);
    const result = await query.executeTakeFirst();
    if (Number(result.numUpdatedRows) > 0) return true;
    if (lease !== undefined) return false;
    throw new StoreNotFoundError('run', id);
  }

  async recordFailures(runId: string, failures: readonly NewRunFailure[], now: number = Date.now()): Promise<void> {
    if (failures.length === 0) return;
    const rows = failures.map((f) => ({
      id: newId(ID_PREFIX.runFailure, now),
      run_id: runId,
      record_key: f.recordKey,
      reason: redactVendorText(f.reason),
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
