import type { Kysely, Selectable } from 'kysely';
import { newId } from '../ids';
import { fromJsonOrUndefined, toJsonOrNull } from '../json';
import type { Database, ReviewItemsTable } from '../schema';

/**
 * Records waiting for a person: a non-idempotent write (an action declared `idempotent: false`) was in flight when
 * its worker stopped, or the connector itself could not confirm a write (WriteOutcome `unconfirmed`, e.g. an
 * order's create call got no answer and the look-up by the hub's key failed too), so nobody knows whether the vendor
 * applied it. The hub never sends such a record again by
 * itself: a person looks at the target and resolves the item as done (it was applied) or asks for a retry (it was
 * not; the next run of the flow writes it again).
 */

export type ReviewStatus = 'open' | 'done' | 'retry';

/**
 * What linking a record needs when a person resolves its item as done and names the target record: the flow's
 * link group and entity, both connections, and what the record's links remember after a write (core/runner).
 */
export interface ReviewLink {
  linkGroup: string;
  entity: string;
  sourceConnectionId: string;
  targetConnectionId: string;
  /** Hash and fields of what was sent (the target link's lastWrittenHash / lastWrittenFields). */
  hash: string;
  writtenFields: string[];
  /** The source record's read state (the source link's lastReadHash / lastReadFields / sourceModifiedAt). */
  readHash: string;
  readFields?: Record<string, string>;
  modifiedAt?: number;
  /** The entity the source record was already linked to, if any. */
  entityId?: string;
}

export interface ReviewItem {
  id: string;
  flowId: string;
  runId: string;
  recordKey: string;
  action: string;
  reason: string;
  status: ReviewStatus;
  createdAt: number;
  resolvedAt?: number;
  /** The source record as read, and the payload that was being written. */
  source?: unknown;
  payload?: unknown;
  /** Set for writes the connector could not confirm: resolving as done with a target id links the record. */
  link?: ReviewLink;
  /** The target record named when the item was resolved as done. */
  targetId?: string;
}

function toItem(row: Selectable<ReviewItemsTable>): ReviewItem {
  const item: ReviewItem = {
    id: row.id,
    flowId: row.flow_id,
    runId: row.run_id,
    recordKey: row.record_key,
    action: row.action,
    reason: row.reason,
    status: row.status as ReviewStatus,
    createdAt: Number(row.created_at),
  };
  if (row.resolved_at !== null) item.resolvedAt = Number(row.resolved_at);
  const source = fromJsonOrUndefined<unknown>(row.source_json);
  if (source !== undefined) item.source = source;
  const payload = fromJsonOrUndefined<unknown>(row.payload_json);
  if (payload !== undefined) item.payload = payload;
  const link = fromJsonOrUndefined<ReviewLink>(row.link_json);
  if (link !== undefined) item.link = link;
  if (row.target_id !== null) item.targetId = row.target_id;
  return item;
}

export class ReviewItemsRepo {
  constructor(private readonly db: Kysely<Database>) {}

  async add(
    items: readonly Omit<ReviewItem, 'id' | 'status' | 'createdAt' | 'resolvedAt' | 'targetId'>[],
    now: number,
  ): Promise<void> {
    if (items.length === 0) return;
    await this.db
      .insertInto('review_items')
      .values(
        items.map((i) => ({
          id: newId('rev', now),
          flow_id: i.flowId,
          run_id: i.runId,
          record_key: i.recordKey,
          action: i.action,
          reason: i.reason,
          source_json: toJsonOrNull(i.source),
          payload_json: toJsonOrNull(i.payload),
          link_json: toJsonOrNull(i.link),
          target_id: null,
          status: 'open',
          created_at: now,
          resolved_at: null,
        })),
      )
      .execute();
  }

  async list(filter: { flowId?: string; status?: ReviewStatus; limit?: number } = {}): Promise<ReviewItem[]> {
    let query = this.db
      .selectFrom('review_items')
      .selectAll()
      .orderBy('created_at')
      .orderBy('id')
      .limit(filter.limit ?? 100);
    if (filter.flowId !== undefined) query = query.where('flow_id', '=', filter.flowId);
    if (filter.status !== undefined) query = query.where('status', '=', filter.status);
    return (await query.execute()).map(toItem);
  }

  async get(id: string): Promise<ReviewItem | undefined> {
    const row = await this.db.selectFrom('review_items').selectAll().where('id', '=', id).executeTakeFirst();
    return row === undefined ? undefined : toItem(row);
  }

  /**
   * The records of a flow that must not be written automatically: those waiting for review, and those resolved as
   * done (the vendor applied them) whose payload is still the one that was applied.
   */
  async heldKeys(flowId: string, items: readonly { key: string; payload: unknown }[]): Promise<Set<string>> {
    if (items.length === 0) return new Set();
    const rows = await this.db
      .selectFrom('review_items')
      .select(['record_key', 'status', 'payload_json'])
      .where('flow_id', '=', flowId)
      .where('status', 'in', ['open', 'done'])
      .where('record_key', 'in', [...new Set(items.map((i) => i.key))])
      .execute();
    if (rows.length === 0) return new Set();
    const payloads = new Map(items.map((i) => [i.key, toJsonOrNull(i.payload)]));
    return new Set(
      rows.filter((r) => r.status === 'open' || r.payload_json === payloads.get(r.record_key)).map((r) => r.record_key),
    );
  }

  /** Whether the flow has any item that holds records back (open, or done): one indexed look-up. */
  async anyHeld(flowId: string): Promise<boolean> {
    const row = await this.db
      .selectFrom('review_items')
      .select('id')
      .where('status', 'in', ['open', 'done'])
      .where('flow_id', '=', flowId)
      .limit(1)
      .executeTakeFirst();
    return row !== undefined;
  }

  /** Resolves an open item (as done, optionally naming the target record); false when there is no open item. */
  async resolve(id: string, status: Exclude<ReviewStatus, 'open'>, now: number, targetId?: string): Promise<boolean> {
    const result = await this.db
      .updateTable('review_items')
      .set({ status, resolved_at: now, ...(targetId === undefined ? {} : { target_id: targetId }) })
      .where('id', '=', id)
      .where('status', '=', 'open')
      .executeTakeFirst();
    return Number(result.numUpdatedRows) > 0;
  }
}
