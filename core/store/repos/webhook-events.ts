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
   * Several deliveries (of any connections) in as few statements as possible: one commit for all of them, which
   * is what makes group commit (see core/webhooks/record-batcher.ts) cheap. Results are in the order given; an
   * event repeated across deliveries is accepted for the first and a duplicate for the others.
   */
  async recordBatches(batches: readonly RecordBatch[]): Promise<RecordManyResult[]> {
    const results = batches.map((): RecordManyResult => ({ accepted: [], duplicates: [] }));
    const rows: { owner: number; key: string; event: WebhookEvent; batch: RecordBatch }[] = [];
    const seen = new Set<string>();
    batches.forEach((batch, owner) => {
      for (const event of batch.events) {
        const key = `${batch.connectionId}\u0000${event.id}`;
        if (seen.has(key)) results[owner].duplicates.push(event.id);
        else {
          seen.add(key);
          rows.push({ owner, key, event, batch });
        }
      }
    });
    // ids made at the same millisecond share their time part; sorted, they keep the events' order for `pending`
    const ids = rows.map((row) => newId(ID_PREFIX.webhookEvent, row.batch.now ?? Date.now())).sort();
    for (let i = 0; i < rows.length; i += CHUNK) {
      const chunk = rows.slice(i, i + CHUNK);
      const inserted = await this.db
        .insertInto('webhook_events')
        .values(
          chunk.map((row, j) => ({
            id: ids[i + j],
            connection_id: row.batch.connectionId,
            webhook: row.batch.webhook ?? 'default',
            event_id: row.event.id,
            payload_json: toJson(row.event),
            received_at: row.batch.now ?? Date.now(),
            processed_at: null,
          })),
        )
        .onConflict((oc) => oc.columns(['connection_id', 'event_id']).doNothing())
        .returning(['connection_id', 'event_id'])
        .execute();
      const fresh = new Set(inserted.map((r) => `${r.connection_id}\u0000${r.event_id}`));
      for (const row of chunk) {
        const result = results[row.owner];
        (fresh.has(row.key) ? result.accepted : result.duplicates).push(row.event.id);
      }
    }
    return results;
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
