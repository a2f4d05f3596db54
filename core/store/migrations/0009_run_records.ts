import type { Kysely } from 'kysely';

/**
 * The records of each run, by outcome, so a person can see what a run created, updated, held back (no consent,
 * skipped by the mapping, an erased identifier) and failed, each named by e-mail or name:
 * - run_record_totals: how many records of each outcome the run had (one row per run and outcome, added to in the
 *   transaction that records the records).
 * - run_records: the records themselves, numbered per run and outcome (`seq` from 1), only the first ones of each
 *   outcome (core/store/repos/run-records.ts caps them); the totals count the rest. Unchanged records are not kept.
 *   `label` is the record's e-mail address or name as read (never the whole record); `reason` says why it was held
 *   or failed.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('run_record_totals')
    .addColumn('run_id', 'text', (c) => c.notNull().references('runs.id').onDelete('cascade'))
    .addColumn('outcome', 'text', (c) => c.notNull())
    .addColumn('total', 'integer', (c) => c.notNull())
    .addPrimaryKeyConstraint('run_record_totals_pk', ['run_id', 'outcome'])
    .execute();
  await db.schema
    .createTable('run_records')
    .addColumn('run_id', 'text', (c) => c.notNull().references('runs.id').onDelete('cascade'))
    .addColumn('outcome', 'text', (c) => c.notNull())
    .addColumn('seq', 'integer', (c) => c.notNull())
    .addColumn('record_key', 'text', (c) => c.notNull())
    .addColumn('label', 'text')
    .addColumn('reason', 'text')
    .addColumn('field', 'text')
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addPrimaryKeyConstraint('run_records_pk', ['run_id', 'outcome', 'seq'])
    .execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropTable('run_records').ifExists().execute();
  await db.schema.dropTable('run_record_totals').ifExists().execute();
}
