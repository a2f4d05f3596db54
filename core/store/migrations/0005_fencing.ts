import type { Kysely } from 'kysely';

/**
 * One run in one place at a time (fencing) and the manual-review state of non-idempotent writes:
 * - runs.lease: the fencing epoch of the run, bumped by every activation (a worker starting or taking over the
 *   run). Every durable step of a flight (outcomes, links, the checkpoint, counts, the end of the run) is
 *   conditional on the epoch it activated with, so a stale owner's late writes change nothing.
 * - runs.heartbeat_at: written by the owner while it works the run; a `running` run whose heartbeat is old and that
 *   has no live job behind it is an orphan, re-enqueued by any worker (the orphan reaper).
 * - runs.write_in_flight: the record keys of a non-idempotent write (an action declared `idempotent: false`) sent
 *   and not yet recorded (JSON array); a flight taken over while it is set sends those records to manual review.
 * - review_items: records waiting for a person to decide ("resolve as done" or "retry").
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .alterTable('runs')
    .addColumn('lease', 'integer', (c) => c.notNull().defaultTo(0))
    .execute();
  await db.schema.alterTable('runs').addColumn('heartbeat_at', 'bigint').execute();
  await db.schema.alterTable('runs').addColumn('write_in_flight', 'text').execute();
  await db.schema
    .createTable('review_items')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('flow_id', 'text', (c) => c.notNull())
    .addColumn('run_id', 'text', (c) => c.notNull())
    .addColumn('record_key', 'text', (c) => c.notNull())
    .addColumn('action', 'text', (c) => c.notNull())
    .addColumn('reason', 'text', (c) => c.notNull())
    .addColumn('source_json', 'text')
    .addColumn('payload_json', 'text')
    /** 'open' | 'done' | 'retry' */
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addColumn('resolved_at', 'bigint')
    .execute();
  await db.schema.createIndex('review_items_status_idx').on('review_items').columns(['status', 'flow_id']).execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropTable('review_items').execute();
  for (const column of ['write_in_flight', 'heartbeat_at', 'lease']) {
    await db.schema.alterTable('runs').dropColumn(column).execute();
  }
}
