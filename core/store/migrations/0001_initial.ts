import type { Kysely } from 'kysely';

/**
 * The first schema, designed as a whole. Only portable column types are used (text, integer, bigint), so the
 * same migration runs on SQLite and PostgreSQL and rows read back identically (see core/store/schema.ts).
 * Never edit a released migration: add 0002_… instead.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  const s = db.schema;

  await s
    .createTable('meta')
    .addColumn('key', 'text', (c) => c.primaryKey().notNull())
    .addColumn('value', 'text', (c) => c.notNull())
    .addColumn('updated_at', 'bigint', (c) => c.notNull())
    .execute();

  await s
    .createTable('connections')
    .addColumn('id', 'text', (c) => c.primaryKey().notNull())
    .addColumn('name', 'text', (c) => c.notNull().unique())
    .addColumn('connector_id', 'text', (c) => c.notNull())
    .addColumn('settings_json', 'text', (c) => c.notNull())
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('last_checked_at', 'bigint')
    .addColumn('last_check_error', 'text')
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addColumn('updated_at', 'bigint', (c) => c.notNull())
    .execute();
  await s.createIndex('connections_connector_idx').on('connections').column('connector_id').execute();

  await s
    .createTable('mappings')
    .addColumn('id', 'text', (c) => c.primaryKey().notNull())
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('version', 'text', (c) => c.notNull())
    .addColumn('description', 'text')
    .addColumn('expression', 'text', (c) => c.notNull())
    .addColumn('source_schema_json', 'text')
    .addColumn('target_schema_json', 'text')
    .addColumn('fixtures_json', 'text')
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addUniqueConstraint('mappings_name_version_uq', ['name', 'version'])
    .execute();

  await s
    .createTable('flows')
    .addColumn('id', 'text', (c) => c.primaryKey().notNull())
    .addColumn('name', 'text', (c) => c.notNull().unique())
    .addColumn('definition_json', 'text', (c) => c.notNull())
    .addColumn('enabled', 'integer', (c) => c.notNull())
    .addColumn('link_group', 'text')
    .addColumn('template', 'text')
    .addColumn('source_connection_id', 'text', (c) => c.references('connections.id'))
    .addColumn('target_connection_id', 'text', (c) => c.references('connections.id'))
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addColumn('updated_at', 'bigint', (c) => c.notNull())
    .execute();
  await s.createIndex('flows_link_group_idx').on('flows').column('link_group').execute();
  await s.createIndex('flows_source_connection_idx').on('flows').column('source_connection_id').execute();
  await s.createIndex('flows_target_connection_idx').on('flows').column('target_connection_id').execute();

  await s
    .createTable('runs')
    .addColumn('id', 'text', (c) => c.primaryKey().notNull())
    .addColumn('flow_id', 'text', (c) => c.notNull().references('flows.id').onDelete('cascade'))
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('trigger', 'text', (c) => c.notNull())
    .addColumn('count_read', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('count_unchanged', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('count_created', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('count_updated', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('count_deleted', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('count_failed', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('count_dead_lettered', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('error_json', 'text')
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addColumn('started_at', 'bigint')
    .addColumn('finished_at', 'bigint')
    .execute();
  await s.createIndex('runs_flow_created_idx').on('runs').columns(['flow_id', 'created_at']).execute();
  await s.createIndex('runs_status_idx').on('runs').column('status').execute();

  await s
    .createTable('run_failures')
    .addColumn('id', 'text', (c) => c.primaryKey().notNull())
    .addColumn('run_id', 'text', (c) => c.notNull().references('runs.id').onDelete('cascade'))
    .addColumn('record_key', 'text', (c) => c.notNull())
    .addColumn('reason', 'text', (c) => c.notNull())
    .addColumn('failure_kind', 'text', (c) => c.notNull())
    .addColumn('field', 'text')
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .execute();
  await s.createIndex('run_failures_run_idx').on('run_failures').column('run_id').execute();

  await s
    .createTable('checkpoints')
    .addColumn('flow_id', 'text', (c) => c.notNull().references('flows.id').onDelete('cascade'))
    .addColumn('stream', 'text', (c) => c.notNull())
    .addColumn('value_json', 'text', (c) => c.notNull())
    .addColumn('updated_at', 'bigint', (c) => c.notNull())
    .addPrimaryKeyConstraint('checkpoints_pk', ['flow_id', 'stream'])
    .execute();

  await s
    .createTable('record_links')
    .addColumn('id', 'text', (c) => c.primaryKey().notNull())
    .addColumn('link_group', 'text', (c) => c.notNull())
    .addColumn('entity_id', 'text', (c) => c.notNull())
    .addColumn('entity', 'text', (c) => c.notNull())
    .addColumn('connection_id', 'text', (c) => c.notNull().references('connections.id').onDelete('cascade'))
    .addColumn('external_id', 'text', (c) => c.notNull())
    .addColumn('last_written_hash', 'text')
    .addColumn('last_read_hash', 'text')
    .addColumn('source_modified_at', 'bigint')
    .addColumn('deleted_at', 'bigint')
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addColumn('updated_at', 'bigint', (c) => c.notNull())
    .addUniqueConstraint('record_links_external_uq', ['link_group', 'connection_id', 'external_id'])
    .execute();
  await s.createIndex('record_links_entity_idx').on('record_links').columns(['link_group', 'entity_id']).execute();
  await s.createIndex('record_links_connection_idx').on('record_links').column('connection_id').execute();

  await s
    .createTable('dead_letters')
    .addColumn('id', 'text', (c) => c.primaryKey().notNull())
    .addColumn('flow_id', 'text', (c) => c.notNull().references('flows.id').onDelete('cascade'))
    .addColumn('run_id', 'text')
    .addColumn('record_key', 'text', (c) => c.notNull())
    .addColumn('reason', 'text', (c) => c.notNull())
    .addColumn('failure_kind', 'text', (c) => c.notNull())
    .addColumn('field', 'text')
    .addColumn('source_json', 'text')
    .addColumn('payload_json', 'text')
    .addColumn('mapping_version', 'text')
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addColumn('replayed_at', 'bigint')
    .addColumn('discarded_at', 'bigint')
    .execute();
  await s.createIndex('dead_letters_flow_status_idx').on('dead_letters').columns(['flow_id', 'status']).execute();
  await s.createIndex('dead_letters_record_idx').on('dead_letters').columns(['flow_id', 'record_key']).execute();

  await s
    .createTable('suppressions')
    .addColumn('id', 'text', (c) => c.primaryKey().notNull())
    .addColumn('identifier_hash', 'text', (c) => c.notNull().unique())
    .addColumn('kind', 'text', (c) => c.notNull())
    .addColumn('reason', 'text', (c) => c.notNull())
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .execute();

  await s
    .createTable('audit_log')
    .addColumn('id', 'text', (c) => c.primaryKey().notNull())
    .addColumn('actor', 'text', (c) => c.notNull())
    .addColumn('action', 'text', (c) => c.notNull())
    .addColumn('entity', 'text', (c) => c.notNull())
    .addColumn('entity_id', 'text')
    .addColumn('before_json', 'text')
    .addColumn('after_json', 'text')
    .addColumn('at', 'bigint', (c) => c.notNull())
    .execute();
  await s.createIndex('audit_log_entity_idx').on('audit_log').columns(['entity', 'entity_id']).execute();
  await s.createIndex('audit_log_at_idx').on('audit_log').column('at').execute();

  await s
    .createTable('api_tokens')
    .addColumn('id', 'text', (c) => c.primaryKey().notNull())
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('role', 'text', (c) => c.notNull())
    .addColumn('token_hash', 'text', (c) => c.notNull().unique())
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addColumn('last_used_at', 'bigint')
    .addColumn('revoked_at', 'bigint')
    .execute();

  await s
    .createTable('jobs')
    .addColumn('id', 'text', (c) => c.primaryKey().notNull())
    .addColumn('queue', 'text', (c) => c.notNull())
    .addColumn('payload_json', 'text', (c) => c.notNull())
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('attempts', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('max_attempts', 'integer', (c) => c.notNull())
    .addColumn('run_at', 'bigint', (c) => c.notNull())
    .addColumn('locked_until', 'bigint')
    .addColumn('locked_by', 'text')
    .addColumn('last_error', 'text')
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addColumn('updated_at', 'bigint', (c) => c.notNull())
    .execute();
  await s.createIndex('jobs_ready_idx').on('jobs').columns(['queue', 'status', 'run_at']).execute();

  await s
    .createTable('webhook_events')
    .addColumn('id', 'text', (c) => c.primaryKey().notNull())
    .addColumn('connection_id', 'text', (c) => c.notNull().references('connections.id').onDelete('cascade'))
    .addColumn('webhook', 'text', (c) => c.notNull())
    .addColumn('event_id', 'text', (c) => c.notNull())
    .addColumn('payload_json', 'text', (c) => c.notNull())
    .addColumn('received_at', 'bigint', (c) => c.notNull())
    .addColumn('processed_at', 'bigint')
    .addUniqueConstraint('webhook_events_event_uq', ['connection_id', 'event_id'])
    .execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  for (const table of [
    'webhook_events',
    'jobs',
    'api_tokens',
    'audit_log',
    'suppressions',
    'dead_letters',
    'record_links',
    'checkpoints',
    'run_failures',
    'runs',
    'flows',
    'mappings',
    'connections',
    'meta',
  ]) {
    await db.schema.dropTable(table).ifExists().execute();
  }
}
