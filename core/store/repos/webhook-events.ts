import type { Kysely, Selectable } from 'kysely';
import type { WebhookEvent } from '../../sdk/define';
import { ID_PREFIX, newId } from '../ids';
import { fromJson, toJson } from '../json';
import type { Database, WebhookEventsTable } from '../schema';

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
    const now = options.now ?? Date.now();
    const webhook = options.webhook ?? 'default';
    const duplicates: string[] = [];
    const unique = new Map<string, WebhookEvent>();
    for (const event of events) {
      if (unique.has(event.id)) duplicates.push(event.id);
      else unique.set(event.id, event);
    }
    const accepted: string[] = [];
    const batch = [...unique.values()];
    // ids of one batch share their time part; sorted, they keep the batch's order for `pending`
    const ids = batch.map(() => newId(ID_PREFIX.webhookEvent, now)).sort();
    for (let i = 0; i < batch.length; i += CHUNK) {
      const chunk = batch.slice(i, i + CHUNK);
      const inserted = await this.db
        .insertInto('webhook_events')
        .values(
          chunk.map((event, j) => ({
            id: ids[i + j],
            connection_id: connectionId,
            webhook,
            event_id: event.id,
            payload_json: toJson(event),
            received_at: now,
            processed_at: null,
          })),
        )
        .onConflict((oc) => oc.columns(['connection_id', 'event_id']).doNothing())
        .returning('event_id')
        .execute();
      const fresh = new Set(inserted.map((row) => row.event_id));
      for (const event of chunk) (fresh.has(event.id) ? accepted : duplicates).push(event.id);
    }
    return { accepted, duplicates };
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
}
