import type { Kysely } from 'kysely';

/**
 * Every link write maintained an index on `record_links.connection_id` that no runner query reads: the runner's
 * look-ups and upserts all name the link group first (the unique (link_group, connection_id, external_id) index and
 * (link_group, entity_id, connection_id)). It served only the rare statements keyed by connection alone — deleting a
 * connection (the foreign key's cascade) and `deleteInConnections` (a re-seeded sandbox) — which now scan
 * `record_links` once instead: a decision, measured in bench/README.md ("Flow runner"): about 1.3 µs of CPU less
 * per link row written (two rows per created record), against a scan of the table (a fraction of a second per
 * million links) when a connection is deleted, itself mostly the cost of deleting that connection's own links.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropIndex('record_links_connection_idx').execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.createIndex('record_links_connection_idx').on('record_links').column('connection_id').execute();
}
