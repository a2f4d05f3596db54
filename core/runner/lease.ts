import { AsyncLocalStorage } from 'node:async_hooks';
import type { Kysely } from 'kysely';
import type { Database } from '../store/schema';

/**
 * Fencing: a run is owned by one flight (one worker's attempt at it) at a time. Activating a run bumps its lease
 * epoch (`runs.lease`); the flight holds that epoch, and every durable step it takes — each recording transaction
 * (outcomes, links, ledger, the checkpoint, the counts) and the end of the run — first checks, in the same
 * transaction, that the run's epoch is still its own (`UPDATE runs … WHERE id = ? AND lease = ?`: on PostgreSQL
 * that also locks the row, so a takeover waits for the transaction or makes it match nothing). A stale owner —
 * frozen past its lock, cut off from Redis, resumed after another worker took the run over — is refused and stops:
 * its late writes change nothing.
 *
 * The queue's lock only says who should pick a job up; the lease says who may write. A worker that loses its queue
 * lock but still holds the lease (Redis went away for a while, the database did not) keeps working; the worker that
 * picked the job up defers while the run's heartbeat is fresh, so one run is worked in one place.
 */

/** Thrown by a fenced step of a flight that no longer owns its run: nothing of that step was written. */
export class LeaseLostError extends Error {
  constructor(
    readonly runId: string,
    readonly lease: number,
  ) {
    super(`run ${runId}: this worker no longer owns the run (lease ${lease} was taken over); its writes are refused`);
    this.name = 'LeaseLostError';
  }
}

/** The lease of one flight. `lost` is set as soon as anything shows the lease is gone (a refused step, a heartbeat). */
export class RunLease {
  lost = false;
  readonly controller = new AbortController();
  /** The heartbeat's last successful write (ms). */
  lastBeat: number;

  constructor(
    readonly runId: string,
    readonly lease: number,
    now: number,
  ) {
    this.lastBeat = now;
  }

  /** Marks the lease lost and aborts the flight (its signal). */
  lose(): void {
    if (this.lost) return;
    this.lost = true;
    this.controller.abort(new LeaseLostError(this.runId, this.lease));
  }
}

const current = new AsyncLocalStorage<RunLease>();

/** Runs `fn` as the flight of `lease`: the runner's transactions inside it are fenced by it. */
export function withLease<T>(lease: RunLease, fn: () => Promise<T>): Promise<T> {
  return current.run(lease, fn);
}

/** The lease of the flight this code runs in, if any (replays, dry runs and tools run unfenced). */
export function currentLease(): RunLease | undefined {
  return current.getStore();
}

/**
 * The fence, as the first statement of a transaction: true when the run is still owned by `lease` (and still
 * running). It also stamps the heartbeat, so a flight that records often is seen as alive.
 */
export async function holdsLease(db: Kysely<Database>, lease: RunLease, now: number): Promise<boolean> {
  const result = await db
    .updateTable('runs')
    .set({ heartbeat_at: now })
    .where('id', '=', lease.runId)
    .where('lease', '=', lease.lease)
    .where('status', '=', 'running')
    .executeTakeFirst();
  return Number(result.numUpdatedRows) > 0;
}

/** Throws LeaseLostError (and marks the lease lost) unless the run is still owned by `lease`. */
export async function assertLease(db: Kysely<Database>, lease: RunLease, now: number): Promise<void> {
  if (lease.lost || !(await holdsLease(db, lease, now))) {
    lease.lose();
    throw new LeaseLostError(lease.runId, lease.lease);
  }
  lease.lastBeat = now;
}

/**
 * A read-only look before sending a write to a vendor (no transaction, no commit): throws LeaseLostError when the
 * run is no longer this flight's. The recording transaction after the write is fenced again, under the row lock.
 */
export async function checkLease(db: Kysely<Database>, lease: RunLease): Promise<void> {
  if (!lease.lost) {
    const row = await db
      .selectFrom('runs')
      .select(['lease', 'status'])
      .where('id', '=', lease.runId)
      .executeTakeFirst();
    if (row !== undefined && Number(row.lease) === lease.lease && row.status === 'running') return;
  }
  lease.lose();
  throw new LeaseLostError(lease.runId, lease.lease);
}

export function isLeaseLost(error: unknown): error is LeaseLostError {
  return error instanceof LeaseLostError;
}

/**
 * A non-idempotent write batch in flight (core/runner/review.ts): the keys marked on the run before the write was
 * sent. The first fenced transaction after the write — the one recording its outcomes — clears them.
 */
export interface PendingWrite {
  keys: string[];
  cleared: boolean;
}

const pendingWrite = new AsyncLocalStorage<PendingWrite>();

export function withPendingWrite<T>(pending: PendingWrite, fn: () => Promise<T>): Promise<T> {
  return pendingWrite.run(pending, fn);
}

export function currentPendingWrite(): PendingWrite | undefined {
  const pending = pendingWrite.getStore();
  return pending === undefined || pending.cleared ? undefined : pending;
}
