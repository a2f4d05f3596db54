/**
 * Row types of the store, one interface per table, as Kysely sees them. The same types hold on both engines
 * because the schema only uses types that read back identically from SQLite and PostgreSQL:
 * - ids and names: text;
 * - JSON documents: text (`*_json`), serialised by the repositories;
 * - timestamps: bigint epoch milliseconds (`*_at`), read back as a JS number on both engines;
 * - flags: integer 0/1 (PostgreSQL booleans would read back as true/false, SQLite has none);
 * - counters: integer.
 * Secret connection settings are stored inside `settings_json` as vault envelopes (`enc:v1:…`), never in clear.
 */
import type { Generated } from 'kysely';

export interface ConnectionsTable {
  id: string;
  name: string;
  connector_id: string;
  /** Settings with every secret field replaced by a vault envelope. */
  settings_json: string;
  /** 'untested' | 'ok' | 'error' */
  status: string;
  last_checked_at: number | null;
  last_check_error: string | null;
  created_at: number;
  updated_at: number;
}

export interface MappingsTable {
  id: string;
  name: string;
  version: string;
  description: string | null;
  expression: string;
  source_schema_json: string | null;
  target_schema_json: string | null;
  fixtures_json: string | null;
  created_at: number;
}

export interface FlowsTable {
  id: string;
  name: string;
  /** The whole flow definition (source, mapping, target, trigger, sync mode, identity rule). */
  definition_json: string;
  enabled: number;
  /** Shared by the two flows of a sync pair; links and echo detection are keyed by it. */
  link_group: string | null;
  /** Id of the template the flow was created from, if any. */
  template: string | null;
  /** Copied out of the definition so a connection in use cannot be deleted (foreign keys). */
  source_connection_id: string | null;
  target_connection_id: string | null;
  created_at: number;
  updated_at: number;
}

export interface RunsTable {
  id: string;
  flow_id: string;
  /** 'queued' | 'running' | 'succeeded' | 'partial' | 'failed' | 'cancelled' */
  status: string;
  /** 'schedule' | 'webhook' | 'manual' | 'replay' */
  trigger: string;
  count_read: number;
  count_unchanged: number;
  count_created: number;
  count_updated: number;
  count_deleted: number;
  count_failed: number;
  count_dead_lettered: number;
  /** ErrorInfo as JSON when the run as a whole failed. */
  error_json: string | null;
  created_at: number;
  started_at: number | null;
  finished_at: number | null;
  /** Fencing epoch, bumped by every activation of the run (0005_fencing). */
  lease: Generated<number>;
  /** When the run's owner last showed it is alive (0005_fencing). */
  heartbeat_at: number | null;
  /** Record keys of a non-idempotent write sent and not yet recorded, as a JSON array (0005_fencing). */
  write_in_flight: string | null;
}

/** Records of non-idempotent writes interrupted by a crash, waiting for a person (0005_fencing). */
export interface ReviewItemsTable {
  id: string;
  flow_id: string;
  run_id: string;
  record_key: string;
  action: string;
  reason: string;
  /** The source record and the payload that was being written (JSON), for a retry through the ledger. */
  source_json: string | null;
  payload_json: string | null;
  /** 'open' | 'done' | 'retry' */
  status: string;
  created_at: number;
  resolved_at: number | null;
  /** What linking the record needs when it is resolved as done with the target's id (0010_review_links). */
  link_json: string | null;
  /** The target record a person named when resolving the item as done (0010_review_links). */
  target_id: string | null;
}

export interface RunFailuresTable {
  id: string;
  run_id: string;
  record_key: string;
  reason: string;
  failure_kind: string;
  field: string | null;
  created_at: number;
}

/** How many records of each outcome a run had (migration 0009). */
export interface RunRecordTotalsTable {
  run_id: string;
  /** 'created' | 'updated' | 'held' | 'failed' */
  outcome: string;
  total: number;
}

/** The first records of each outcome of a run, numbered per run and outcome (migration 0009). */
export interface RunRecordsTable {
  run_id: string;
  outcome: string;
  seq: number;
  record_key: string;
  /** The record's e-mail address or name, as read. */
  label: string | null;
  reason: string | null;
  field: string | null;
  created_at: number;
}

export interface CheckpointsTable {
  flow_id: string;
  /** The stream (or stream + partition) the checkpoint belongs to. */
  stream: string;
  value_json: string;
  updated_at: number;
}

export interface RecordLinksTable {
  id: string;
  link_group: string;
  /** The hub's id of the logical record; every row with the same (link_group, entity_id) is a peer. */
  entity_id: string;
  /** Kind of record, e.g. 'contact'. */
  entity: string;
  connection_id: string;
  external_id: string;
  /** Hash of what the hub last wrote to this record (no needless writes, echo detection). */
  last_written_hash: string | null;
  /** Hash of the record's state when the hub last read it. */
  last_read_hash: string | null;
  source_modified_at: number | null;
  deleted_at: number | null;
  created_at: number;
  updated_at: number;
  /** JSON array: the fields of the payload last written into the record (0003). */
  last_written_fields: string | null;
  /** JSON object field → hash: the record's fields as last read (0003). */
  last_read_fields: string | null;
  /** The run that last read the record (mirror mode, 0003). */
  last_seen_run: string | null;
  /** A source record whose destination identity collides with another's: the winner's external id (0006). */
  duplicate_of: string | null;
  /** Source links: `<mapping fingerprint>:<payload hash prefix>` of the last read (migration 0013). */
  last_mapped: string | null;
}

export interface DeadLettersTable {
  id: string;
  flow_id: string;
  run_id: string | null;
  record_key: string;
  reason: string;
  /** 'permanent' | 'retryable' | 'mapping' | 'validation' | … */
  failure_kind: string;
  field: string | null;
  /** The source record as read (needed to replay with the current mapping). Personal data; never secrets. */
  source_json: string | null;
  /** The mapped payload that was refused, when mapping got that far. */
  payload_json: string | null;
  mapping_version: string | null;
  /** 'pending' | 'replayed' | 'discarded' */
  status: string;
  created_at: number;
  replayed_at: number | null;
  discarded_at: number | null;
  /** Times the record was dead-lettered while this entry was open (0006_ledger_dedupe). */
  attempts: number;
  /** When the record last failed (0006_ledger_dedupe); null: at created_at. */
  last_seen_at: number | null;
}

export interface SuppressionsTable {
  id: string;
  /** sha256 of the normalised identifier (e.g. an e-mail address); the identifier itself is not kept. */
  identifier_hash: string;
  /** 'email' | 'phone' | 'external_id' | … */
  kind: string;
  reason: string;
  created_at: number;
}

export interface AuditLogTable {
  id: string;
  actor: string;
  action: string;
  entity: string;
  entity_id: string | null;
  before_json: string | null;
  after_json: string | null;
  at: number;
}

export interface ApiTokensTable {
  id: string;
  name: string;
  /** 'admin' | 'engineer' | 'marketer' | 'viewer' */
  role: string;
  /** sha256 (hex) of the token; the token itself is shown once and never stored. */
  token_hash: string;
  created_at: number;
  last_used_at: number | null;
  revoked_at: number | null;
}

/** The embedded durable queue. `id` is the job id, used for idempotency. */
export interface JobsTable {
  id: string;
  queue: string;
  /** References only (ids, page cursors), never records or secrets. */
  payload_json: string;
  /** 'waiting' | 'active' | 'completed' | 'failed' */
  status: string;
  attempts: number;
  max_attempts: number;
  run_at: number;
  locked_until: number | null;
  locked_by: string | null;
  last_error: string | null;
  created_at: number;
  updated_at: number;
}

export interface WebhookEventsTable {
  id: string;
  connection_id: string;
  webhook: string;
  /** The vendor's event id; unique per connection, so a redelivered event is recognised. */
  event_id: string;
  payload_json: string;
  received_at: number;
  processed_at: number | null;
}

/** A signed webhook delivery the hub refused (its body did not parse); the body itself is never kept. */
export interface WebhookRejectionsTable {
  id: string;
  connection_id: string;
  webhook: string;
  reason: string;
  content_type: string | null;
  body_bytes: number;
  body_sha256: string;
  received_at: number;
}

/** Small key/value facts about the store itself (e.g. the vault's key checks). */
export interface MetaTable {
  key: string;
  value: string;
  updated_at: number;
}

export interface Database {
  connections: ConnectionsTable;
  mappings: MappingsTable;
  flows: FlowsTable;
  runs: RunsTable;
  review_items: ReviewItemsTable;
  run_failures: RunFailuresTable;
  run_record_totals: RunRecordTotalsTable;
  run_records: RunRecordsTable;
  checkpoints: CheckpointsTable;
  record_links: RecordLinksTable;
  dead_letters: DeadLettersTable;
  suppressions: SuppressionsTable;
  audit_log: AuditLogTable;
  api_tokens: ApiTokensTable;
  jobs: JobsTable;
  webhook_events: WebhookEventsTable;
  webhook_rejections: WebhookRejectionsTable;
  meta: MetaTable;
}
