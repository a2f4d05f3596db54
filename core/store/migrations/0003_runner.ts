import type { Kysely } from 'kysely';

/**
 * What the flow runner keeps on record links beyond 0001:
 * - last_written_fields: the fields of the payload last written into the record (JSON array); with
 *   last_written_hash it tells whether a record read back is in the state the hub wrote (echo detection);
 * - last_read_fields: a hash per field of the record as last read (JSON object), so an echo is only an echo when
 *   nothing else in the record changed either;
 * - last_seen_run: the run that last read the record (mirror mode deletes what a complete run did not see).
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema.alterTable('record_links').addColumn('last_written_fields', 'text').execute();
  await db.schema.alterTable('record_links').addColumn('last_read_fields', 'text').execute();
  await db.schema.alterTable('record_links').addColumn('last_seen_run', 'text').execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  for (const column of ['last_seen_run', 'last_read_fields', 'last_written_fields']) {
    await db.schema.alterTable('record_links').dropColumn(column).execute();
  }
}
