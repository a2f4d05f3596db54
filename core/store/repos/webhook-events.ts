import type { Kysely, Selectable } from 'kysely';
import type { WebhookEvent } from '../../sdk/define';
import { ID_PREFIX, newId } from '../ids';
import { fromJson, toJson } from '../json';
import type { Database, WebhookEventsTable, WebhookRejectionsTable } from '../schema';

/** An inbound webhook event as recorded: the vendor's event, durably kept until the runner processed it. */
export interface RecordedWebhookEvent {
  /** The hub's id of the row (`whe_…`); `markProcessed` takes these. */
  id: string;
  connectionId: string;
  /** Name of the connector's webhook definition that accepted it. */
  webhook: string;
  /** The vendor's event id; unique per connection. */
  eventId: string;
  event: WebhookEvent;
  receivedAt: number;
  processedAt?: number;
}

export interface RecordManyResult {
  /** Vendor event ids seen for the first time, now recorded, in the order given. */
  accepted: string[];
  /** Vendor event ids already recorded for the connection (a redelivery), or repeated within the batch. */
  duplicates: string[];
}

export interface RecordManyOptions {
  /** The webhook definition's name; `default` when not given. */
  webhook?: string;
  now?: number;
}

/** One delivery's events, for `recordBatches`. */
export interface RecordBatch extends RecordManyOptions {
  connectionId: string;
  events: readonly WebhookEvent[];
}

/**
 * A signed delivery the hub refused (its body did not parse), kept so the user can see it. The body is not kept
 * (it may hold personal data): its size and SHA-256 identify it when comparing with the vendor's delivery log.
 */
export interface WebhookRejection {
  id: string;
  connectionId: string;
  webhook: string;
  reason: string;
  contentType?: string;
  bodyBytes: number;
  bodySha256: string;
  receivedAt: number;
}

export type NewWebhookRejection = Omit<WebhookRejection, 'id'>;

function toRejection(row: Selectable<WebhookRejectionsTable>): WebhookRejection {
  const rejection: WebhookRejection = {
    id: row.id,
    connectionId: row.connection_id,
    webhook: row.webhook,
    reason: row.reason,
    bodyBytes: Number(row.body_bytes),
    bodySha256: row.body_sha256,
    receivedAt: Number(row.received_at),
  };
  if (row.content_type !== null) rejection.contentType = row.content_type;
  return rejection;
}

/** Rows per INSERT: 7 parameters each stays far below SQLite's and PostgreSQL's limits. */
const CHUNK = 500;

type Row = Selectable<WebhookEventsTable>;

function toRecorded(row: Row): RecordedWebhookEvent {
  const recorded: RecordedWebhookEvent = {
    id: row.id,
    connectionId: row.connection_id,
    webhook: row.webhook,
    eventId: row.event_id,
    event: fromJson<WebhookEvent>(row.payload_json),
    receivedAt: row.received_at,
  };
  if (row.processed_at !== null) recorded.processedAt = row.processed_at;
  return recorded;
}

/** One row to insert, planned by `planEventRows`. */
export interface PlannedEventRow {
  /** Index of the delivery (in the batches given) the event belongs to. */
  owner: number;
  id: string;
  connectionId: string;
  webhook: string;
  eventId: string;
  payloadJson: string;
  receivedAt: number;
}

/** Deliveries made into rows: what to insert, and the results so far (events repeated within the group). */
export interface EventRowsPlan {
  results: RecordManyResult[];
  rows: PlannedEventRow[];
}

/**
 * The rows a group of deliveries inserts, in the order given: an event repeated within the group (same
 * connection, same vendor id) is a duplicate of its first occurrence and not inserted. Shared by the repository
 * and the SQLite writer thread (core/webhooks/sqlite-event-writer.ts), so both answer alike.
 */
export function planEventRows(batches: readonly RecordBatch[]): EventRowsPlan {
  const results = batches.map((): RecordManyResult => ({ accepted: [], duplicates: [] }));
  const rows: PlannedEventRow[] = [];
  const seen = new Set<string>();
  for (let owner = 0; owner < batches.length; owner++) {
    const batch = batches[owner];
    const webhook = batch.webhook ?? 'default';
    const receivedAt = batch.now ?? Date.now();
    for (const event of batch.events) {
      const key = `${batch.connectionId}\u0000${event.id}`;
      if (seen.has(key)) {
        results[owner].duplicates.push(event.id);
        continue;
      }
      seen.add(key);
      rows.push({
        owner,
        id: '',
        connectionId: batch.connectionId,
        webhook,
        eventId: event.id,
        payloadJson: toJson(event),
        receivedAt,
      });
    }
  }
  // ids made at the same millisecond share their time part; sorted, they keep the events' order for `pending`
  const ids = rows.map((row) => newId(ID_PREFIX.webhookEvent, row.receivedAt)).sort();
  rows.forEach((row, i) => (row.id = ids[i]));
  return { results, rows };
}

/** The results of a plan once its rows are written: `inserted[i]` is 1 when row i was new, 0 when already there. */
export function settleEventRows(plan: EventRowsPlan, inserted: Uint8Array): RecordManyResult[] {
  plan.rows.forEach((row, i) => {
    const result = plan.results[row.owner];
    (inserted[i] === 1 ? result.accepted : result.duplicates).push(row.eventId);
  });
  return plan.results;
}

/**
 * Inbound webhook events, de-duplicated by (connection, vendor event id): a redelivered event is recognised and
 * not recorded (nor processed) twice. Recording is one INSERT … ON CONFLICT DO NOTHING RETURNING statement per
 * chunk, atomic and race-free on SQLite and PostgreSQL alike: of two concurrent deliveries of the same event,
 * exactly one sees it accepted.
 */
export class WebhookEventsRepo {
  constructor(private readonly db: Kysely<Database>) {}

  async recordMany(
    connectionId: string,
    events: readonly WebhookEvent[],
    options: RecordManyOptions = {},
  ): Promise<RecordManyResult> {
    const [result] = await this.recordBatches([{ connectionId, events, ...options }]);
    return result;
  }

  /**
   * Several deliveries (of any connections) in one transaction: one commit for all of them, which is what makes
   * group commit (see core/webhooks/record-batcher.ts) cheap, and all or nothing (a failure records none of them,
   * so every delivery of the group is refused and retried by its vendor). Results are in the order given; an event
   * repeated across deliveries is accepted for the first and a duplicate for the others.
   */
  async recordBatches(batches: readonly RecordBatch[]): Promise<RecordManyResult[]> {
    const plan = planEventRows(batches);
    const { rows } = plan;
    if (rows.length === 0) return settleEventRows(plan, new Uint8Array(0));
    const inserted = new Uint8Array(rows.length);
    const write = async (db: Kysely<Database>): Promise<void> => {
      for (let i = 0; i < rows.length; i += CHUNK) {
        const chunk = rows.slice(i, i + CHUNK);
        const fresh = await db
          .insertInto('webhook_events')
          .values(
            chunk.map((row) => ({
              id: row.id,
              connection_id: row.connectionId,
              webhook: row.webhook,
              event_id: row.eventId,
              payload_json: row.payloadJson,
              received_at: row.receivedAt,
              processed_at: null,
            })),
          )
          .onConflict((oc) => oc.columns(['connection_id', 'event_id']).doNothing())
          .returning(['connection_id', 'event_id'])
          .execute();
        const keys = new Set(fresh.map((r) => `${r.connection_id}\u0000${r.event_id}`));
        chunk.forEach((row, j) => {
          if (keys.has(`${row.connectionId}\u0000${row.eventId}`)) inserted[i + j] = 1;
        });
      }
    };
    // one statement commits on its own; more need a transaction (unless the caller's already is one)
    if (rows.length <= CHUNK || this.db.isTransaction) await write(this.db);
    else await this.db.transaction().execute(write);
    return settleEventRows(plan, inserted);
  }

  /** Events of a connection not yet processed, oldest first. */
  async pending(connectionId: string, limit = 100): Promise<RecordedWebhookEvent[]> {
    const rows = await this.db
      .selectFrom('webhook_events')
      .selectAll()
      .where('connection_id', '=', connectionId)
      .where('processed_at', 'is', null)
      .orderBy('received_at')
      .orderBy('id')
      .limit(limit)
      .execute();
    return rows.map(toRecorded);
  }

  /**
   * A connection's events recorded after `cursor` (received time, then row id), oldest first, processed or not: what
   * a flow that reads the records webhook events name (WebhookDefinition.fetch) has not seen yet (core/runner).
   */
  async after(
    connectionId: string,
    cursor: { receivedAt: number; id: string },
    limit = 100,
  ): Promise<RecordedWebhookEvent[]> {
    const rows = await this.db
      .selectFrom('webhook_events')
      .selectAll()
      .where('connection_id', '=', connectionId)
      .where((eb) =>
        eb.or([
          eb('received_at', '>', cursor.receivedAt),
          eb.and([eb('received_at', '=', cursor.receivedAt), eb('id', '>', cursor.id)]),
        ]),
      )
      .orderBy('received_at')
      .orderBy('id')
      .limit(limit)
      .execute();
    return rows.map(toRecorded);
  }

  /** The row ids of `pending`, oldest first, without reading the events (what the webhook trigger marks). */
  async pendingIds(connectionId: string, limit = 100): Promise<string[]> {
    const rows = await this.db
      .selectFrom('webhook_events')
      .select('id')
      .where('connection_id', '=', connectionId)
      .where('processed_at', 'is', null)
      .orderBy('received_at')
      .orderBy('id')
      .limit(limit)
      .execute();
    return rows.map((row) => row.id);
  }

  /** Marks events (by row id) processed; returns how many were still pending. */
  async markProcessed(ids: readonly string[], now: number = Date.now()): Promise<number> {
    let changed = 0;
    for (let i = 0; i < ids.length; i += CHUNK) {
      const result = await this.db
        .updateTable('webhook_events')
        .set({ processed_at: now })
        .where('id', 'in', ids.slice(i, i + CHUNK))
        .where('processed_at', 'is', null)
        .executeTakeFirst();
      changed += Number(result.numUpdatedRows);
    }
    return changed;
  }

  /** Records a refused signed delivery (see WebhookRejection). */
  async recordRejection(input: NewWebhookRejection): Promise<WebhookRejection> {
    const row: Selectable<WebhookRejectionsTable> = {
      id: newId(ID_PREFIX.webhookRejection, input.receivedAt),
      connection_id: input.connectionId,
      webhook: input.webhook,
      reason: input.reason,
      content_type: input.contentType ?? null,
      body_bytes: input.bodyBytes,
      body_sha256: input.bodySha256,
      received_at: input.receivedAt,
    };
    await this.db.insertInto('webhook_rejections').values(row).execute();
    return toRejection(row);
  }

  /** Refused deliveries of a connection, newest first; `before` (a rejection id) pages through older ones. */
  async listRejections(
    connectionId: string,
    options: { limit?: number; before?: string } = {},
  ): Promise<WebhookRejection[]> {
    let query = this.db
      .selectFrom('webhook_rejections')
      .selectAll()
      .where('connection_id', '=', connectionId)
      .orderBy('id', 'desc')
      .limit(options.limit ?? 100);
    if (options.before !== undefined) query = query.where('id', '<', options.before);
    return (await query.execute()).map(toRejection);
  }
}
