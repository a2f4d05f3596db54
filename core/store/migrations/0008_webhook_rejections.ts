import type { Kysely } from 'kysely';

/**
 * Webhook deliveries the hub refused after their signature checked out (a body that does not parse): kept so the
 * user can see them (`GET /api/v1/connections/{id}/webhook-rejections`) instead of the delivery vanishing. Only
 * the reason, the size and a hash of the body are kept, never the body itself (it may hold personal data).
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('webhook_rejections')
    .addColumn('id', 'text', (c) => c.primaryKey().notNull())
    .addColumn('connection_id', 'text', (c) => c.notNull().references('connections.id').onDelete('cascade'))
    .addColumn('webhook', 'text', (c) => c.notNull())
    .addColumn('reason', 'text', (c) => c.notNull())
    .addColumn('content_type', 'text')
    .addColumn('body_bytes', 'bigint', (c) => c.notNull())
    .addColumn('body_sha256', 'text', (c) => c.notNull())
    .addColumn('received_at', 'bigint', (c) => c.notNull())
    .execute();
  await db.schema
    .createIndex('webhook_rejections_connection_idx')
    .on('webhook_rejections')
    .columns(['connection_id', 'received_at'])
    .execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropTable('webhook_rejections').ifExists().execute();
}
