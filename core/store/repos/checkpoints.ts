import type { Kysely } from 'kysely';
import type { Json } from '../../sdk/contracts';
import { fromJson, toJson } from '../json';
import type { Database } from '../schema';

/**
 * The value `hub flows reset --from <time>` stores in place of a stream's checkpoint: the next read starts from
 * scratch (no connector checkpoint) and asks the stream for what changed since `resetFrom` (an ISO time).
 * Streams that cannot read from a time read everything; record links keep either way write-free.
 */
export interface ResetMarker {
  resetFrom: string;
}

/** The time of a reset marker, or undefined when `value` is an ordinary (connector) checkpoint. */
export function resetFromOf(value: Json | null | undefined): string | undefined {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return undefined;
  const keys = Object.keys(value);
  const from = (value as Record<string, Json>).resetFrom;
  return keys.length === 1 && typeof from === 'string' && !Number.isNaN(Date.parse(from)) ? from : undefined;
}

export interface StoredCheckpoint {
  stream: string;
  value: Json;
  updatedAt: number;
}

/**
 * Source checkpoints, per flow and stream. Opaque to the store; the runner advances one only after every record
 * read before it is recorded, ideally in the same transaction as those records' outcomes.
 */
export class CheckpointsRepo {
  constructor(private readonly db: Kysely<Database>) {}

  async get(flowId: string, stream: string): Promise<Json | undefined> {
    const row = await this.db
      .selectFrom('checkpoints')
      .select('value_json')
      .where('flow_id', '=', flowId)
      .where('stream', '=', stream)
      .executeTakeFirst();
    return row === undefined ? undefined : fromJson<Json>(row.value_json);
  }

  /** The checkpoint with the time it was saved (a flow's look-back window counts back from it). */
  async getStored(flowId: string, stream: string): Promise<StoredCheckpoint | undefined> {
    const row = await this.db
      .selectFrom('checkpoints')
      .select(['value_json', 'updated_at'])
      .where('flow_id', '=', flowId)
      .where('stream', '=', stream)
      .executeTakeFirst();
    return row === undefined ? undefined : { stream, value: fromJson<Json>(row.value_json), updatedAt: row.updated_at };
  }

  async set(flowId: string, stream: string, value: Json, now: number = Date.now()): Promise<void> {
    const value_json = toJson(value);
    await this.db
      .insertInto('checkpoints')
      .values({ flow_id: flowId, stream, value_json, updated_at: now })
      .onConflict((oc) => oc.columns(['flow_id', 'stream']).doUpdateSet({ value_json, updated_at: now }))
      .execute();
  }

  async list(flowId: string): Promise<StoredCheckpoint[]> {
    const rows = await this.db
      .selectFrom('checkpoints')
      .selectAll()
      .where('flow_id', '=', flowId)
      .orderBy('stream')
      .execute();
    return rows.map((r) => ({ stream: r.stream, value: fromJson<Json>(r.value_json), updatedAt: r.updated_at }));
  }

  /** Replaces the checkpoint of `stream` with a reset marker: the next read starts over from `from` (epoch ms). */
  async resetTo(flowId: string, stream: string, from: number, now: number = Date.now()): Promise<void> {
    const marker: ResetMarker = { resetFrom: new Date(from).toISOString() };
    await this.set(flowId, stream, marker as unknown as Json, now);
  }

  /** Forgets the checkpoint of one stream, or of every stream of the flow (the next run reads from the start). */
  async clear(flowId: string, stream?: string): Promise<number> {
    let query = this.db.deleteFrom('checkpoints').where('flow_id', '=', flowId);
    if (stream !== undefined) query = query.where('stream', '=', stream);
    return Number((await query.executeTakeFirst()).numDeletedRows);
  }
}
