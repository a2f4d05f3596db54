import type { Kysely } from 'kysely';

/**
 * `record_links.last_mapped`, on source links: what the record as last read mapped to, as
 * `<flow's mapping fingerprint>:<payload hash prefix>` (core/runner/mapped-state.ts). A page whose every record
 * reads as last read, under the same mapping, stdlib and flow options, and whose target records still hold that
 * payload, is decided unchanged without mapping it again (the unchanged rerun's largest cost with a real mapping).
 * Null on every other link, and on a source link whose last outcome was not written or unchanged.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema.alterTable('record_links').addColumn('last_mapped', 'text').execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.alterTable('record_links').dropColumn('last_mapped').execute();
}
