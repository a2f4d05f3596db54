import { sql, type Expression, type ExpressionBuilder, type Kysely, type SqlBool } from 'kysely';
import type { StoreEngine } from '../open';
import type { Database, JobsTable } from '../schema';

/**
 * The rows of the embedded durable queue (`core/queue/embedded.ts`). Every state change that matters for safety
 * is ONE conditional statement (no read-then-write), so it is atomic on SQLite (single writer, busy_timeout) and
 * on PostgreSQL (the row lock re-checks the WHERE clause) without an explicit transaction; every change to a
 * claimed job is guarded by its lock token, so a worker that lost its lock can never overwrite the new owner.
 *
 * Status: 'waiting' (run_at may be in the future: "delayed"), 'active' (locked_by/locked_until set; an expired
 * lock means its worker died), 'completed', 'failed'. `attempts` counts the attempts started and not handed back.
 */

export type JobStatus = 'waiting' | 'active' | 'completed' | 'failed';

export interface StoredJob {
  id: string;
  queue: string;
  payloadJson: string;
  status: JobStatus;
  attempts: number;
  maxAttempts: number;
  runAt: number;
  lockedUntil: number | null;
  lockedBy: string | null;
  lastError: string | null;
  createdAt: number;
  updatedAt: number;
}

export interface NewJob {
  id: string;
  queue: string;
  payloadJson: string;
  maxAttempts: number;
  runAt: number;
}

export interface JobCounts {
  waiting: number;
  delayed: number;
  active: number;
  completed: number;
  failed: number;
}

function toJob(row: JobsTable): StoredJob {
  return {
    id: row.id,
    queue: row.queue,
    payloadJson: row.payload_json,
    status: row.status as JobStatus,
    attempts: Number(row.attempts),
    maxAttempts: Number(row.max_attempts),
    runAt: Number(row.run_at),
    lockedUntil: row.locked_until === null ? null : Number(row.locked_until),
    lockedBy: row.locked_by,
    lastError: row.last_error,
    createdAt: Number(row.created_at),
    updatedAt: Number(row.updated_at),
  };
}

/** Runnable now: waiting and due, or active with an expired lock (its worker crashed or was killed). */
function runnable(eb: ExpressionBuilder<Database, 'jobs'>, now: number): Expression<SqlBool> {
  return eb.or([
    eb.and([eb('status', '=', 'waiting'), eb('run_at', '<=', now)]),
    eb.and([eb('status', '=', 'active'), eb('locked_until', '<', now)]),
  ]);
}

/** Error texts are kept short: they are for operators, and a stack trace per attempt would bloat the table. */
const MAX_ERROR_LENGTH = 2000;

export class JobsRepo {
  constructor(
    private readonly db: Kysely<Database>,
    /** Selects the claim strategy: PostgreSQL adds FOR UPDATE SKIP LOCKED so concurrent workers take different rows. */
    private readonly engine: StoreEngine,
  ) {}

  async get(id: string): Promise<StoredJob | undefined> {
    const row = await this.db.selectFrom('jobs').selectAll().where('id', '=', id).executeTakeFirst();
    return row === undefined ? undefined : toJob(row);
  }

  /**
   * Inserts the job unless its id exists. When the id belongs to a finished job (completed or failed) that job is
   * reset to a fresh one instead. Resolves to false when a live job (waiting, delayed or active) holds the id.
   */
  async enqueue(job: NewJob, now: number): Promise<boolean> {
    // The same fresh state for a new job and for a finished one whose id is enqueued again.
    const fresh = {
      queue: job.queue,
      payload_json: job.payloadJson,
      status: 'waiting',
      attempts: 0,
      max_attempts: job.maxAttempts,
      run_at: job.runAt,
      locked_until: null,
      locked_by: null,
      last_error: null,
      created_at: now,
      updated_at: now,
    };
    const inserted = await this.db
      .insertInto('jobs')
      .values({ id: job.id, ...fresh })
      .onConflict((oc) => oc.column('id').doNothing())
      .executeTakeFirst();
    if (Number(inserted.numInsertedOrUpdatedRows ?? 0) > 0) return true;
    const reset = await this.db
      .updateTable('jobs')
      .set(fresh)
      .where('id', '=', job.id)
      .where('status', 'in', ['completed', 'failed'])
      .executeTakeFirst();
    return Number(reset.numUpdatedRows) > 0;
  }

  /**
   * Claims up to `limit` runnable jobs of `queue` for `token`: one UPDATE … WHERE id IN (candidates) AND runnable
   * RETURNING. The repeated `runnable` condition makes a row another worker claimed first drop out (PostgreSQL
   * re-evaluates it after waiting on the row lock; SQLite runs the statement alone), and FOR UPDATE SKIP LOCKED on
   * PostgreSQL lets many workers pick disjoint candidates instead of all racing for the same first rows.
   */
  async claim(queue: string, token: string, limit: number, lockMs: number, now: number): Promise<StoredJob[]> {
    if (limit <= 0) return [];
    const candidates = this.db
      .selectFrom('jobs')
      .select('id')
      .where('queue', '=', queue)
      .where((eb) => runnable(eb, now))
      .orderBy('run_at')
      .limit(limit);
    const rows = await this.db
      .updateTable('jobs')
      .set((eb) => ({
        status: 'active',
        attempts: eb('attempts', '+', 1),
        locked_by: token,
        locked_until: now + lockMs,
        updated_at: now,
      }))
      .where((eb) =>
        this.engine === 'postgres'
          ? // ARRAY(subquery) runs once (an InitPlan); `id IN (subquery … LIMIT … SKIP LOCKED)` may be re-run per row
            // by the planner and then claim more than `limit` rows.
            sql<boolean>`${eb.ref('id')} = any(array${candidates.forUpdate().skipLocked()})`
          : eb('id', 'in', candidates),
      )
      .where('queue', '=', queue)
      .where((eb) => runnable(eb, now))
      .returningAll()
      .execute();
    return rows.map(toJob).sort((a, b) => a.runAt - b.runAt);
  }

  /** Heartbeat: extends the locks still held by these tokens; returns the ids of the jobs whose lock was extended. */
  async extendLocks(tokens: string[], lockedUntil: number, now: number): Promise<Set<string>> {
    if (tokens.length === 0) return new Set();
    const rows = await this.db
      .updateTable('jobs')
      .set({ locked_until: lockedUntil, updated_at: now })
      .where('status', '=', 'active')
      .where('locked_by', 'in', tokens)
      .returning('id')
      .execute();
    return new Set(rows.map((r) => r.id));
  }

  /** Each of the following returns false when the lock was lost (the job now belongs to another worker). */
  async complete(id: string, token: string, now: number): Promise<boolean> {
    return this.finish(id, token, { status: 'completed', last_error: null, updated_at: now });
  }

  /** The attempt failed: back to waiting until `runAt`, or failed for good when `final`. */
  async fail(id: string, token: string, error: string, retryAt: number | null, now: number): Promise<boolean> {
    const last_error = error.slice(0, MAX_ERROR_LENGTH);
    if (retryAt === null) return this.finish(id, token, { status: 'failed', last_error, updated_at: now });
    return this.finish(id, token, { status: 'waiting', run_at: retryAt, last_error, updated_at: now });
  }

  /** Back to waiting without using up the attempt (a reschedule, or a job handed back at shutdown). */
  async release(id: string, token: string, runAt: number, now: number): Promise<boolean> {
    const result = await this.db
      .updateTable('jobs')
      .set((eb) => ({
        status: 'waiting',
        run_at: runAt,
        attempts: sql<number>`case when ${eb.ref('attempts')} > 0 then ${eb.ref('attempts')} - 1 else 0 end`,
        locked_by: null,
        locked_until: null,
        updated_at: now,
      }))
      .where('id', '=', id)
      .where('locked_by', '=', token)
      .where('status', '=', 'active')
      .executeTakeFirst();
    return Number(result.numUpdatedRows) > 0;
  }

  async counts(queue: string, now: number): Promise<JobCounts> {
    const rows = await this.db
      .selectFrom('jobs')
      .select((eb) => [
        'status',
        eb.fn.countAll<number>().as('n'),
        eb.fn.sum<number>(eb.case().when('run_at', '>', now).then(1).else(0).end()).as('future'),
      ])
      .where('queue', '=', queue)
      .groupBy('status')
      .execute();
    const counts: JobCounts = { waiting: 0, delayed: 0, active: 0, completed: 0, failed: 0 };
    for (const row of rows) {
      const n = Number(row.n);
      if (row.status === 'waiting') {
        counts.delayed = Number(row.future ?? 0);
        counts.waiting = n - counts.delayed;
      } else if (row.status === 'active' || row.status === 'completed' || row.status === 'failed') {
        counts[row.status] = n;
      }
    }
    return counts;
  }

  /** Forgets completed jobs finished before `before` (failed ones stay for inspection). */
  async deleteCompletedBefore(before: number, queue?: string): Promise<number> {
    let query = this.db.deleteFrom('jobs').where('status', '=', 'completed').where('updated_at', '<', before);
    if (queue !== undefined) query = query.where('queue', '=', queue);
    return Number((await query.executeTakeFirst()).numDeletedRows);
  }

  private async finish(
    id: string,
    token: string,
    values: { status: JobStatus; last_error: string | null; updated_at: number; run_at?: number },
  ): Promise<boolean> {
    const result = await this.db
      .updateTable('jobs')
      .set({ ...values, locked_by: null, locked_until: null })
      .where('id', '=', id)
      .where('locked_by', '=', token)
      .where('status', '=', 'active')
      .executeTakeFirst();
    return Number(result.numUpdatedRows) > 0;
  }
}
