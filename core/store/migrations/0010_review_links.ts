import type { Kysely } from 'kysely';

/**
 * Review items of writes a connector could not confirm (WriteOutcome `unconfirmed`, SDK 1.2) remember what linking
 * the record needs once a person says it was applied, and which target record that was:
 * - link_json: the flow's link group and entity, both connections, and the hash and fields of what was sent (what
 *   the record's link remembers after a write), so "done" with the target's id links the record as a write would.
 * - target_id: the target record a person named when resolving it as done.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema.alterTable('review_items').addColumn('link_json', 'text').execute();
  await db.schema.alterTable('review_items').addColumn('target_id', 'text').execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.alterTable('review_items').dropColumn('target_id').execute();
  await db.schema.alterTable('review_items').dropColumn('link_json').execute();
}
