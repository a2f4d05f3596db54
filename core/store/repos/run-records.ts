import type { Kysely, Selectable } from 'kysely';
import { redactVendorText } from '../../security/redact';
import { isRawPg, pgArray, pgStatement, runPg } from '../raw-pg';
import { rawSqliteFor } from '../raw-sqlite';
import type { Database, RunRecordsTable } from '../schema';

/**
 * What each run did to each record it did not leave as it was: created, updated, held back (no consent, skipped by
 * the mapping, an erased identifier), failed, or sent to manual review (a write the connector could not confirm:
 * WriteOutcome `unconfirmed`). Unchanged records are not kept (a rerun of 100,000 unchanged
 * records adds nothing). Each outcome keeps its first RUN_RECORDS_CAP records per run; the totals count every one.
 *
 * `add` is called by the runner inside the transaction that records the page (core/runner/recorder.ts), so the
 * outcomes commit with the links and counts they belong to: one upsert of the totals (which also numbers the new
 * records, concurrent batches of one run serializing on the totals rows) and one insert of the records.
 */

export const RUN_RECORD_OUTCOMES = ['created', 'updated', 'held', 'failed', 'review'] as const;
export type RunRecordOutcome = (typeof RUN_RECORD_OUTCOMES)[number];

/** Records kept per run and outcome; the rest are counted only. */
export const RUN_RECORDS_CAP = 10_000;

const LABEL_MAX = 200;

const INSERT_SQL =
  'insert into run_records (run_id, outcome, seq, record_key, label, reason, field, created_at) values (?, ?, ?, ?, ?, ?, ?, ?)';
const REASON_MAX = 1000;

/**
 * PostgreSQL (core/store/raw-pg.ts): the totals' upsert and the records' insert as prepared statements, one text
 * whatever the batch, the rows as one array per column; the same rows and meaning as the Kysely statements.
 */
const TOTALS_PG = pgStatement(
  'hub_run_record_totals_add',
  'insert into run_record_totals (run_id, outcome, total) ' +
    'select $1, u.outcome, u.total from unnest($2::text[], $3::integer[]) as u (outcome, total) ' +
    'on conflict (run_id, outcome) do update set total = run_record_totals.total + excluded.total ' +
    'returning outcome, total',
);
const INSERT_PG = pgStatement(
  'hub_run_records_insert',
  'insert into run_records (run_id, outcome, seq, record_key, label, reason, field, created_at) ' +
    'select $1, u.*, $8 from unnest($2::text[], $3::integer[], $4::text[], $5::text[], $6::text[], $7::text[]) as u',
);

export interface NewRunRecord {
  outcome: RunRecordOutcome;
  recordKey: string;
  /** The record's e-mail address or name, as read. */
  label?: string;
  reason?: string;
  field?: string;
}

export interface RunRecord extends NewRunRecord {
  runId: string;
  /** 1 for the run's first record of this outcome. */
  seq: number;
  createdAt: number;
}

export type RunRecordTotals = Record<RunRecordOutcome, number>;

function clip(text: string | undefined, max: number): string | null {
  if (text === undefined) return null;
  return text.length > max ? `${text.slice(0, max - 1)}…` : text;
}

function toRecord(row: Selectable<RunRecordsTable>): RunRecord {
  const record: RunRecord = {
    runId: row.run_id,
    outcome: row.outcome as RunRecordOutcome,
    seq: Number(row.seq),
    recordKey: row.record_key,
    createdAt: Number(row.created_at),
  };
  if (row.label !== null) record.label = row.label;
  if (row.reason !== null) record.reason = row.reason;
  if (row.field !== null) record.field = row.field;
  return record;
}

function zero(): RunRecordTotals {
  return { created: 0, updated: 0, held: 0, failed: 0, review: 0 };
}

export class RunRecordsRepo {
  constructor(
    private readonly db: Kysely<Database>,
    private readonly cap: number = RUN_RECORDS_CAP,
  ) {}

  /** Adds a batch's records to the run: counted in the totals, kept while the outcome is under the cap. */
  async add(runId: string, records: readonly NewRunRecord[], now: number = Date.now()): Promise<void> {
    if (records.length === 0) return;
    const byOutcome = new Map<RunRecordOutcome, NewRunRecord[]>();
    for (const r of records) {
      const list = byOutcome.get(r.outcome);
      if (list === undefined) byOutcome.set(r.outcome, [r]);
      else list.push(r);
    }
    const pg = isRawPg(this.db);
    const totals = pg
      ? await runPg<{ outcome: string; total: number }>(this.db, TOTALS_PG, [
          runId,
          pgArray([...byOutcome.keys()]),
          pgArray([...byOutcome.values()].map((list) => list.length)),
        ])
      : await this.db
          .insertInto('run_record_totals')
          .values([...byOutcome].map(([outcome, list]) => ({ run_id: runId, outcome, total: list.length })))
          .onConflict((oc) =>
            oc
              .columns(['run_id', 'outcome'])
              .doUpdateSet((eb) => ({ total: eb('run_record_totals.total', '+', eb.ref('excluded.total')) })),
          )
          .returning(['outcome', 'total'])
          .execute();
    const rows: Selectable<RunRecordsTable>[] = [];
    for (const { outcome, total } of totals) {
      const list = byOutcome.get(outcome as RunRecordOutcome) ?? [];
      const before = Number(total) - list.length;
      const keep = Math.max(0, Math.min(list.length, this.cap - before));
      for (let i = 0; i < keep; i++) {
        const r = list[i];
        rows.push({
          run_id: runId,
          outcome,
          seq: before + i + 1,
          record_key: r.recordKey,
          label: clip(r.label, LABEL_MAX),
          reason: r.reason === undefined ? null : clip(redactVendorText(r.reason), REASON_MAX),
          field: r.field ?? null,
          created_at: now,
        });
      }
    }
    if (pg) {
      if (rows.length === 0) return;
      const column = <K extends keyof (typeof rows)[number]>(key: K) => pgArray(rows.map((r) => r[key]));
      await runPg(this.db, INSERT_PG, [
        runId,
        column('outcome'),
        column('seq'),
        column('record_key'),
        column('label'),
        column('reason'),
        column('field'),
        now,
      ]);
      return;
    }
    const sqlite = rawSqliteFor(this.db);
    if (sqlite !== undefined) {
      // one prepared statement run per record (core/store/raw-sqlite.ts): no 500-row statement built per batch
      const insert = sqlite.statement(INSERT_SQL);
      for (const r of rows)
        insert.run(r.run_id, r.outcome, r.seq, r.record_key, r.label, r.reason, r.field, r.created_at);
      return;
    }
    for (let i = 0; i < rows.length; i += 500)
      await this.db
        .insertInto('run_records')
        .values(rows.slice(i, i + 500))
        .execute();
  }

  /** How many records of each outcome the run had (kept or not). */
  async totals(runId: string): Promise<RunRecordTotals> {
    return (await this.totalsOf([runId])).get(runId) ?? zero();
  }

  /** The totals of several runs in one query (runs with none are absent from the map). */
  async totalsOf(runIds: readonly string[]): Promise<Map<string, RunRecordTotals>> {
    const found = new Map<string, RunRecordTotals>();
    if (runIds.length === 0) return found;
    const rows = await this.db
      .selectFrom('run_record_totals')
      .select(['run_id', 'outcome', 'total'])
      .where('run_id', 'in', [...new Set(runIds)])
      .execute();
    for (const row of rows) {
      if (!(RUN_RECORD_OUTCOMES as readonly string[]).includes(row.outcome)) continue;
      let totals = found.get(row.run_id);
      if (totals === undefined) found.set(row.run_id, (totals = zero()));
      totals[row.outcome as RunRecordOutcome] = Number(row.total);
    }
    return found;
  }

  /**
   * The run's kept records, in the order they were recorded (by outcome, then seq); `after` is the last one of the
   * previous page.
   */
  async list(
    runId: string,
    options: { outcome?: RunRecordOutcome; limit?: number; after?: { outcome: string; seq: number } } = {},
  ): Promise<RunRecord[]> {
    let query = this.db
      .selectFrom('run_records')
      .selectAll()
      .where('run_id', '=', runId)
      .orderBy('outcome')
      .orderBy('seq')
      .limit(options.limit ?? 100);
    if (options.outcome !== undefined) query = query.where('outcome', '=', options.outcome);
    const after = options.after;
    if (after !== undefined)
      query = query.where((eb) =>
        eb.or([
          eb('outcome', '>', after.outcome),
          eb.and([eb('outcome', '=', after.outcome), eb('seq', '>', after.seq)]),
        ]),
      );
    return (await query.execute()).map(toRecord);
  }
}
