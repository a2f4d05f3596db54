import { sql, type Kysely } from 'kysely';

/**
 * The webhook trigger reads a connection's pending events on every pass (`connection_id = ? AND processed_at IS
 * NULL ORDER BY received_at, id`). With only the unique (connection_id, event_id) index, each pass read every event
 * the connection ever received: the pass grew with the table (bench/webhooks.ts with BENCH_TRIGGER=flow spent a
 * quarter of the server thread there after 5,000 deliveries). A partial index on the pending events alone answers
 * it in their order and stays as small as the backlog; a processed event leaves it. SQLite and PostgreSQL both
 * have partial indexes.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`create index webhook_events_pending_idx on webhook_events (connection_id, received_at, id) where processed_at is null`.execute(
    db,
  );
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropIndex('webhook_events_pending_idx').execute();
}
