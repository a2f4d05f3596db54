import type { Kysely } from 'kysely';

/**
 * The runner looks up, for a page of records, their peers in the other connection: `link_group = ? AND
 * connection_id = ? AND entity_id IN (…)`. With only (link_group, entity_id) indexed, SQLite's planner prefers the
 * unique (link_group, connection_id, external_id) index for the first two terms and scans every link of the
 * connection for each page: quadratic over a large sync (a 1M-record run spent most of its time there). An index on
 * (link_group, entity_id, connection_id) answers all three terms; it also serves every query of the old index (its
 * prefix), which is dropped so each link write maintains one index less.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createIndex('record_links_entity_connection_idx')
    .on('record_links')
    .columns(['link_group', 'entity_id', 'connection_id'])
    .execute();
  await db.schema.dropIndex('record_links_entity_idx').execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createIndex('record_links_entity_idx')
    .on('record_links')
    .columns(['link_group', 'entity_id'])
    .execute();
  await db.schema.dropIndex('record_links_entity_connection_idx').execute();
}
