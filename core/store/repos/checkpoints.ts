import type { Kysely } from 'kysely';
import type { Json } from '../../sdk/contracts';
import { fromJson, toJson } from '../json';
import type { Database } from '../schema';

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

  /** Forgets the checkpoint of one stream, or of every stream of the flow (the next run reads from the start). */
  async clear(flowId: string, stream?: string): Promise<number> {
    let query = this.db.deleteFrom('checkpoints').where('flow_id', '=', flowId);
    if (stream !== undefined) query = query.where('stream', '=', stream);
    return Number((await query.executeTakeFirst()).numDeletedRows);
  }
}
