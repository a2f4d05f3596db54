import type { Kysely, Selectable } from 'kysely';
import { ID_PREFIX, newId } from '../ids';
import { fromJsonOrUndefined, toJsonOrNull } from '../json';
import type { Database, DeadLettersTable } from '../schema';

export type DeadLetterStatus = 'pending' | 'replayed' | 'discarded';

/**
 * One record a flow could not deliver, with the reason. `source` is the record as read (replays map it again with
 * the current mapping); `payload` the mapped payload that was refused. Both are personal data, never secrets.
 */
export interface DeadLetter {
  id: string;
  flowId: string;
  runId?: string;
  recordKey: string;
  reason: string;
  failureKind: string;
  field?: string;
  source?: unknown;
  payload?: unknown;
  mappingVersion?: string;
  status: DeadLetterStatus;
  createdAt: number;
  replayedAt?: number;
  discardedAt?: number;
}

export type NewDeadLetter = Pick<
  DeadLetter,
  'flowId' | 'runId' | 'recordKey' | 'reason' | 'failureKind' | 'field' | 'source' | 'payload' | 'mappingVersion'
>;

export interface DeadLetterFilter {
  flowId?: string;
  status?: DeadLetterStatus;
  recordKey?: string;
  limit?: number;
  /** A dead-letter id: pages through older entries. */
  before?: string;
}

type Row = Selectable<DeadLettersTable>;

function toDeadLetter(row: Row): DeadLetter {
  const letter: DeadLetter = {
    id: row.id,
    flowId: row.flow_id,
    recordKey: row.record_key,
    reason: row.reason,
    failureKind: row.failure_kind,
    status: row.status as DeadLetterStatus,
    createdAt: row.created_at,
  };
  if (row.run_id !== null) letter.runId = row.run_id;
  if (row.field !== null) letter.field = row.field;
  const source = fromJsonOrUndefined<unknown>(row.source_json);
  if (source !== undefined) letter.source = source;
  const payload = fromJsonOrUndefined<unknown>(row.payload_json);
  if (payload !== undefined) letter.payload = payload;
  if (row.mapping_version !== null) letter.mappingVersion = row.mapping_version;
  if (row.replayed_at !== null) letter.replayedAt = row.replayed_at;
  if (row.discarded_at !== null) letter.discardedAt = row.discarded_at;
  return letter;
}

const CHUNK = 500;

/** The dead-letter ledger: inspected and replayed from the API, CLI and UI. */
export class DeadLettersRepo {
  constructor(private readonly db: Kysely<Database>) {}

  async add(input: NewDeadLetter, now: number = Date.now()): Promise<DeadLetter> {
    return (await this.addMany([input], now))[0];
  }

  /** Records a batch's failures in one statement per 500 rows. */
  async addMany(inputs: readonly NewDeadLetter[], now: number = Date.now()): Promise<DeadLetter[]> {
    const rows: Row[] = inputs.map((input) => ({
      id: newId(ID_PREFIX.deadLetter, now),
      flow_id: input.flowId,
      run_id: input.runId ?? null,
      record_key: input.recordKey,
      reason: input.reason,
      failure_kind: input.failureKind,
      field: input.field ?? null,
      source_json: toJsonOrNull(input.source),
      payload_json: toJsonOrNull(input.payload),
      mapping_version: input.mappingVersion ?? null,
      status: 'pending',
      created_at: now,
      replayed_at: null,
      discarded_at: null,
    }));
    for (let i = 0; i < rows.length; i += CHUNK)
      await this.db
        .insertInto('dead_letters')
        .values(rows.slice(i, i + CHUNK))
        .execute();
    return rows.map(toDeadLetter);
  }

  async get(id: string): Promise<DeadLetter | undefined> {
    const row = await this.db.selectFrom('dead_letters').selectAll().where('id', '=', id).executeTakeFirst();
    return row && toDeadLetter(row);
  }

  /** The entries with the given ids (unknown ids are left out), oldest first. */
  async getMany(ids: readonly string[]): Promise<DeadLetter[]> {
    const found: DeadLetter[] = [];
    const unique = [...new Set(ids)];
    for (let i = 0; i < unique.length; i += CHUNK) {
      const rows = await this.db
        .selectFrom('dead_letters')
        .selectAll()
        .where('id', 'in', unique.slice(i, i + CHUNK))
        .execute();
      found.push(...rows.map(toDeadLetter));
    }
    return found.sort((a, b) => a.createdAt - b.createdAt || a.id.localeCompare(b.id));
  }

  /**
   * A pending entry failed again (a replay): it stays pending with the new reason, payload, mapping version and
   * run. Returns false when the entry is not pending (any more).
   */
  async recordRetry(
    id: string,
    failure: Pick<DeadLetter, 'reason' | 'failureKind' | 'field' | 'payload' | 'mappingVersion' | 'runId'>,
  ): Promise<boolean> {
    const changes: Partial<Row> = {
      reason: failure.reason,
      failure_kind: failure.failureKind,
      field: failure.field ?? null,
    };
    if (failure.payload !== undefined) changes.payload_json = toJsonOrNull(failure.payload);
    if (failure.mappingVersion !== undefined) changes.mapping_version = failure.mappingVersion;
    if (failure.runId !== undefined) changes.run_id = failure.runId;
    const result = await this.db
      .updateTable('dead_letters')
      .set(changes)
      .where('id', '=', id)
      .where('status', '=', 'pending')
      .executeTakeFirst();
    return Number(result.numUpdatedRows) > 0;
  }

  /** Newest first. */
  async list(filter: DeadLetterFilter = {}): Promise<DeadLetter[]> {
    let query = this.db
      .selectFrom('dead_letters')
      .selectAll()
      .orderBy('created_at', 'desc')
      .orderBy('id', 'desc')
      .limit(filter.limit ?? 50);
    if (filter.flowId !== undefined) query = query.where('flow_id', '=', filter.flowId);
    if (filter.status !== undefined) query = query.where('status', '=', filter.status);
    if (filter.recordKey !== undefined) query = query.where('record_key', '=', filter.recordKey);
    if (filter.before !== undefined) query = query.where('id', '<', filter.before);
    return (await query.execute()).map(toDeadLetter);
  }

  async count(filter: { flowId?: string; status?: DeadLetterStatus } = {}): Promise<number> {
    let query = this.db.selectFrom('dead_letters').select((eb) => eb.fn.countAll<number>().as('n'));
    if (filter.flowId !== undefined) query = query.where('flow_id', '=', filter.flowId);
    if (filter.status !== undefined) query = query.where('status', '=', filter.status);
    const row = await query.executeTakeFirstOrThrow();
    return Number(row.n);
  }

  private async mark(ids: readonly string[], status: 'replayed' | 'discarded', now: number): Promise<number> {
    let changed = 0;
    for (let i = 0; i < ids.length; i += CHUNK) {
      const result = await this.db
        .updateTable('dead_letters')
        .set(status === 'replayed' ? { status, replayed_at: now } : { status, discarded_at: now })
        .where('id', 'in', ids.slice(i, i + CHUNK))
        .where('status', '=', 'pending')
        .executeTakeFirst();
      changed += Number(result.numUpdatedRows);
    }
    return changed;
  }

  /** Marks pending entries replayed; returns how many changed (entries already resolved are left alone). */
  async markReplayed(ids: readonly string[], now: number = Date.now()): Promise<number> {
    return this.mark(ids, 'replayed', now);
  }

  async markDiscarded(ids: readonly string[], now: number = Date.now()): Promise<number> {
    return this.mark(ids, 'discarded', now);
  }

  /** Removes every entry of the given record keys (erasure: the person's data leaves the ledger too). */
  async deleteByRecordKeys(recordKeys: readonly string[], flowId?: string): Promise<number> {
    let deleted = 0;
    for (let i = 0; i < recordKeys.length; i += CHUNK) {
      let query = this.db.deleteFrom('dead_letters').where('record_key', 'in', recordKeys.slice(i, i + CHUNK));
      if (flowId !== undefined) query = query.where('flow_id', '=', flowId);
      deleted += Number((await query.executeTakeFirst()).numDeletedRows);
    }
    return deleted;
  }
}
