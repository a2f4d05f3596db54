import type { Kysely } from 'kysely';

/**
 * Reruns that write nothing:
 * - record_links.duplicate_of: a source record whose destination identity collides with another source record of
 *   the same link group (the same address in NFC and NFD, with a `mailto:` prefix…) is linked to the winner's entity
 *   as a duplicate of it (the winner's external id); it is never written, never chosen as a peer, never mirrored.
 *
 * One ledger entry per failing record: a record that fails again updates its open (pending) dead letter instead of
 * adding one. `attempts` counts how many times the record was dead-lettered while the entry was open; `last_seen_at`
 * is when it last failed (created_at stays the first time). Existing entries count as one attempt each.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .alterTable('dead_letters')
    .addColumn('attempts', 'integer', (c) => c.notNull().defaultTo(1))
    .execute();
  await db.schema.alterTable('dead_letters').addColumn('last_seen_at', 'bigint').execute();
  await db.schema.alterTable('record_links').addColumn('duplicate_of', 'text').execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.alterTable('record_links').dropColumn('duplicate_of').execute();
  await db.schema.alterTable('dead_letters').dropColumn('last_seen_at').execute();
  await db.schema.alterTable('dead_letters').dropColumn('attempts').execute();
}
