import { sql, type Kysely, type Selectable } from 'kysely';
import { redactVendorText } from '../../security/redact';
import { ID_PREFIX, newId } from '../ids';
import { fromJsonOrUndefined, toJsonOrNull } from '../json';
import { execPg, isRawPg, pgArray, runPg } from '../raw-pg';
import { rawSqliteFor } from '../raw-sqlite';
import type { Database, DeadLettersTable } from '../schema';
import {
  CLOSE_DELIVERED_PG,
  CLOSE_DELIVERED_SQL,
  COLUMNS as INSERT_COLUMNS,
  INSERT_PG,
  INSERT_SQL,
  OPEN_ENTRIES_PG,
  OPEN_ENTRIES_SQL,
  UPDATE_PG,
  insertValues,
  updateValues,
} from './dead-letters-sql';

export type DeadLetterStatus = 'pending' | 'replayed' | 'discarded';

/**
 * The record key of a record read without an identity: such entries are one per distinct source record (they are
 * merged only when their source is the same), since the key says nothing about which record failed.
 */
export const UNIDENTIFIED_KEY = '(no identity)';

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
  /** When the record first failed (this entry was opened). */
  createdAt: number;
  /** Times the record was dead-lettered while this entry was open (a rerun that fails it again adds one). */
  attempts: number;
  /** When the record last failed. */
  lastSeenAt: number;
  /** For a `replayed` entry: when it was replayed, or when a later run delivered the record (closing it). */
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
  /** Only the entries last dead-lettered by this run. */
  runId?: string;
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
    attempts: row.attempts ?? 1,
    lastSeenAt: row.last_seen_at ?? row.created_at,
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

export { CLOSE_DELIVERED_SQL } from './dead-letters-sql';

const CHUNK = 500;

/** Which open entry a failure belongs to: its flow and record (and, without an identity, its source record). */
function matchKey(flowId: string, recordKey: string, sourceJson: string | null): string {
  return JSON.stringify([flowId, recordKey, recordKey === UNIDENTIFIED_KEY ? sourceJson : null]);
}

function newRow(input: NewDeadLetter, now: number): Row {
  return {
    id: newId(ID_PREFIX.deadLetter, now),
    flow_id: input.flowId,
    run_id: input.runId ?? null,
    record_key: input.recordKey,
    reason: redactVendorText(input.reason),
    failure_kind: input.failureKind,
    field: input.field ?? null,
    source_json: toJsonOrNull(input.source),
    payload_json: toJsonOrNull(input.payload),
    mapping_version: input.mappingVersion ?? null,
    status: 'pending',
    created_at: now,
    replayed_at: null,
    discarded_at: null,
    attempts: 1,
    last_seen_at: now,
  };
}

/** What a repeated failure changes on the record's open entry: the latest reason, version of the record and run. */
function failureChanges(input: NewDeadLetter, now: number) {
  return {
    run_id: input.runId ?? null,
    reason: redactVendorText(input.reason),
    failure_kind: input.failureKind,
    field: input.field ?? null,
    source_json: toJsonOrNull(input.source),
    payload_json: toJsonOrNull(input.payload),
    mapping_version: input.mappingVersion ?? null,
    last_seen_at: now,
  };
}

/** The dead-letter ledger: inspected and replayed from the API, CLI and UI. */
export class DeadLettersRepo {
  constructor(private readonly db: Kysely<Database>) {}

  async add(input: NewDeadLetter, now: number = Date.now()): Promise<DeadLetter> {
    return (await this.addMany([input], now))[0];
  }

  /**
   * Records a batch's failures, one ledger entry per failing record: a record (flow, record key) that already has a
   * pending entry updates it (attempts + 1, last seen, the latest reason, source, payload and run) instead of adding
   * one; the others are inserted, one statement per 500 rows. Returns the entries as they now are, in input order.
   */
  async addMany(inputs: readonly NewDeadLetter[], now: number = Date.now()): Promise<DeadLetter[]> {
    return (await this.#add(inputs, now)).map(toDeadLetter); // an entry updated more than once reports its final state
  }

  /** `addMany` without reading the entries back (the runner's ledger: no source record parsed again per failure). */
  async record(inputs: readonly NewDeadLetter[], now: number = Date.now()): Promise<void> {
    await this.#add(inputs, now);
  }

  async #add(inputs: readonly NewDeadLetter[], now: number): Promise<Row[]> {
    if (inputs.length === 0) return [];
    const open = await this.openEntries(inputs);
    const out: Row[] = new Array<Row>(inputs.length);
    const inserts: Row[] = [];
    const insertedAt = new Map<string, Row>();
    // open entries failed again: each failure's changes in order, and the failures per entry
    const updates: Array<[Row, ReturnType<typeof failureChanges>]> = [];
    const failedAgain = new Map<Row, number>();
    for (const [i, input] of inputs.entries()) {
      // the source's text matters only to entries without an identity (not serialised here for the others)
      const key = matchKey(
        input.flowId,
        input.recordKey,
        input.recordKey === UNIDENTIFIED_KEY ? toJsonOrNull(input.source) : null,
      );
      const pendingInsert = insertedAt.get(key);
      const existing = pendingInsert ?? open.get(key);
      if (existing === undefined) {
        const row = newRow(input, now);
        inserts.push(row);
        insertedAt.set(key, row);
        out[i] = row;
        continue;
      }
      const changes = failureChanges(input, now);
      Object.assign(existing, changes, { attempts: existing.attempts + 1 });
      if (pendingInsert === undefined) {
        updates.push([existing, changes]);
        failedAgain.set(existing, (failedAgain.get(existing) ?? 0) + 1);
      }
      out[i] = existing;
    }
    if (isRawPg(this.db)) {
      // prepared statements, the rows as arrays (core/store/raw-pg.ts): one update for the entries failed again
      if (failedAgain.size > 0) await runPg(this.db, UPDATE_PG, updateValues(failedAgain));
      if (inserts.length > 0) await runPg(this.db, INSERT_PG, insertValues(inserts));
      return out;
    }
    for (const [existing, changes] of updates)
      await this.db
        .updateTable('dead_letters')
        .set({ ...changes, attempts: sql<number>`attempts + 1` })
        .where('id', '=', existing.id)
        .execute();
    const sqlite = rawSqliteFor(this.db);
    if (sqlite !== undefined) {
      // one prepared statement run per entry (core/store/raw-sqlite.ts): no multi-row statement to build
      const insert = sqlite.statement(INSERT_SQL);
      for (const row of inserts) insert.run(...INSERT_COLUMNS.map((column) => row[column]));
      return out;
    }
    for (let i = 0; i < inserts.length; i += CHUNK)
      await this.db
        .insertInto('dead_letters')
        .values(inserts.slice(i, i + CHUNK))
        .execute();
    return out;
  }

  /** The pending entries of the inputs' records, by match key. */
  private async openEntries(inputs: readonly NewDeadLetter[]): Promise<Map<string, Row>> {
    const byFlow = new Map<string, Set<string>>();
    for (const input of inputs) {
      const keys = byFlow.get(input.flowId) ?? new Set<string>();
      keys.add(input.recordKey);
      byFlow.set(input.flowId, keys);
    }
    const open = new Map<string, Row>();
    const sqlite = rawSqliteFor(this.db);
    for (const [flowId, keySet] of byFlow) {
      const keys = [...keySet];
      if (sqlite !== undefined) {
        const rows = sqlite.statement(OPEN_ENTRIES_SQL).all(flowId, JSON.stringify(keys)) as unknown as Row[];
        for (const row of rows) {
          const key = matchKey(row.flow_id, row.record_key, row.source_json);
          if (!open.has(key)) open.set(key, row);
        }
        continue;
      }
      if (isRawPg(this.db)) {
        for (const row of await runPg<Row>(this.db, OPEN_ENTRIES_PG, [flowId, pgArray(keys)])) {
          const key = matchKey(row.flow_id, row.record_key, row.source_json);
          if (!open.has(key)) open.set(key, row);
        }
        continue;
      }
      for (let i = 0; i < keys.length; i += CHUNK) {
        const rows = await this.db
          .selectFrom('dead_letters')
          .selectAll()
          .where('flow_id', '=', flowId)
          .where('record_key', 'in', keys.slice(i, i + CHUNK))
          .where('status', '=', 'pending')
          .orderBy('created_at')
          .orderBy('id')
          .execute();
        // the oldest open entry of a record is the one kept up to date
        for (const row of rows) {
          const key = matchKey(row.flow_id, row.record_key, row.source_json);
          if (!open.has(key)) open.set(key, row);
        }
      }
    }
    return open;
  }

  /**
   * Closes the pending entries of records a later run delivered (written, or found already as they should be):
   * they become `replayed` at `now`. Returns how many were closed.
   */
  async closeDelivered(flowId: string, recordKeys: readonly string[], now: number = Date.now()): Promise<number> {
    const keys = [...new Set(recordKeys)].filter((k) => k !== UNIDENTIFIED_KEY);
    const sqlite = rawSqliteFor(this.db);
    if (sqlite !== undefined && keys.length > 0) {
      // SQLite's planner (no statistics) picks the (flow_id, status) index and checks every pending entry of the
      // flow for every page of a run; the (flow_id, record_key) index finds the page's own keys instead
      const result = sqlite.statement(CLOSE_DELIVERED_SQL).run(now, flowId, JSON.stringify(keys));
      return Number(result.changes);
    }
    if (isRawPg(this.db))
      return keys.length === 0 ? 0 : execPg(this.db, CLOSE_DELIVERED_PG, [now, flowId, pgArray(keys)]);
    let closed = 0;
    for (let i = 0; i < keys.length; i += CHUNK) {
      const result = await this.db
        .updateTable('dead_letters')
        .set({ status: 'replayed', replayed_at: now })
        .where('flow_id', '=', flowId)
        .where('record_key', 'in', keys.slice(i, i + CHUNK))
        .where('status', '=', 'pending')
        .executeTakeFirst();
      closed += Number(result.numUpdatedRows);
    }
    return closed;
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
      reason: redactVendorText(failure.reason),
      failure_kind: failure.failureKind,
      field: failure.field ?? null,
    };
    if (failure.payload !== undefined) changes.payload_json = toJsonOrNull(failure.payload);
    if (failure.mappingVersion !== undefined) changes.mapping_version = failure.mappingVersion;
    if (failure.runId !== undefined) changes.run_id = failure.runId;
    const result = await this.db
      .updateTable('dead_letters')
      .set({ ...changes, attempts: sql<number>`attempts + 1` })
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
    if (filter.runId !== undefined) query = query.where('run_id', '=', filter.runId);
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
