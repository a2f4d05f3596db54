import type { Selectable } from 'kysely';
import { pgArray, pgStatement } from '../raw-pg';
import type { DeadLettersTable } from '../schema';

/**
 * The statements of the runner's ledger on its fast paths — SQLite's prepared statements (core/store/raw-sqlite.ts)
 * and PostgreSQL's named prepared statements with rows as one array per column (core/store/raw-pg.ts), one text
 * whatever the batch: DeadLettersRepo's, the same rows and meaning as its Kysely statements.
 */

type Row = Selectable<DeadLettersTable>;

/** Every column of a ledger entry, in the order the statements below name them. */
export const COLUMNS = [
  'id',
  'flow_id',
  'run_id',
  'record_key',
  'reason',
  'failure_kind',
  'field',
  'source_json',
  'payload_json',
  'mapping_version',
  'status',
  'created_at',
  'replayed_at',
  'discarded_at',
  'attempts',
  'last_seen_at',
] as const satisfies readonly (keyof Row)[];

/** `closeDelivered` on SQLite: one prepared statement, the keys as one JSON array, by the record index. */
export const CLOSE_DELIVERED_SQL =
  "update dead_letters indexed by dead_letters_record_idx set status = 'replayed', replayed_at = ? " +
  "where flow_id = ? and record_key in (select value from json_each(?)) and status = 'pending'";

/** SQLite: a batch's open entries in one prepared statement (the record index, as CLOSE_DELIVERED_SQL), oldest first. */
export const OPEN_ENTRIES_SQL =
  'select * from dead_letters indexed by dead_letters_record_idx ' +
  "where flow_id = ? and record_key in (select value from json_each(?)) and status = 'pending' " +
  'order by created_at, id';

export const INSERT_SQL = `insert into dead_letters (${COLUMNS.join(', ')}) values (${COLUMNS.map(() => '?').join(', ')})`;

/** The PostgreSQL type of each column. */
const TYPES: Record<(typeof COLUMNS)[number], string> = {
  id: 'text',
  flow_id: 'text',
  run_id: 'text',
  record_key: 'text',
  reason: 'text',
  failure_kind: 'text',
  field: 'text',
  source_json: 'text',
  payload_json: 'text',
  mapping_version: 'text',
  status: 'text',
  created_at: 'bigint',
  replayed_at: 'bigint',
  discarded_at: 'bigint',
  attempts: 'integer',
  last_seen_at: 'bigint',
};

/**
 * A batch's pending entries, oldest first (as `openEntries`' Kysely query); rows as objects. Planned per call, with
 * its keys (not prepared): in a generic plan, which a prepared statement gets after five calls, the planner does not
 * know the keys; without statistics on dead_letters (nothing analyses it during a run) it took the (flow_id, status)
 * index and compared every pending entry of the flow with every key, unhashed (EXPLAIN ANALYZE at 18,000 pending
 * entries: 188 ms a page; 23 ms a page in the bench's re-read, a semi-join on unnest was worse); planned with the
 * keys, PostgreSQL hashes them (4 ms), as it did for Kysely's statement.
 */
export const OPEN_ENTRIES_PG = pgStatement(
  'hub_dead_letters_open',
  `select ${COLUMNS.join(', ')} from dead_letters where flow_id = $1 and record_key = any($2::text[]) ` +
    "and status = 'pending' order by created_at, id",
  { perCall: true },
);

/** New entries, all columns from arrays. */
export const INSERT_PG = pgStatement(
  'hub_dead_letters_insert',
  `insert into dead_letters (${COLUMNS.join(', ')}) ` +
    `select * from unnest(${COLUMNS.map((column, i) => `$${i + 1}::${TYPES[column]}[]`).join(', ')})`,
);

/** `INSERT_PG`'s parameters: one array per column. */
export function insertValues(rows: readonly Row[]): unknown[] {
  return COLUMNS.map((column) => pgArray(rows.map((row) => row[column])));
}

/** The columns a repeated failure sets on its open entry (`failureChanges`), then how many failures it counted. */
const UPDATED = [
  'run_id',
  'reason',
  'failure_kind',
  'field',
  'source_json',
  'payload_json',
  'mapping_version',
  'last_seen_at',
] as const satisfies readonly (keyof Row)[];

/**
 * Open entries failed again: each takes its latest failure's fields and counts its failures of the batch (one
 * statement, where the Kysely path updates once per failure: `attempts + 1` each time, the last fields win).
 */
export const UPDATE_PG = pgStatement(
  'hub_dead_letters_failed_again',
  `update dead_letters d set ${UPDATED.map((column) => `${column} = u.${column}`).join(', ')}, ` +
    'attempts = d.attempts + u.failures ' +
    `from unnest($1::text[], ${UPDATED.map((column, i) => `$${i + 2}::${TYPES[column]}[]`).join(', ')}, ` +
    `$${UPDATED.length + 2}::integer[]) as u (id, ${UPDATED.join(', ')}, failures) where d.id = u.id`,
);

/** `UPDATE_PG`'s parameters: the entries as they now are (in memory) and the failures each counted. */
export function updateValues(rows: ReadonlyMap<Row, number>): unknown[] {
  const entries = [...rows.keys()];
  return [
    pgArray(entries.map((row) => row.id)),
    ...UPDATED.map((column) => pgArray(entries.map((row) => row[column]))),
    pgArray([...rows.values()]),
  ];
}

/** `closeDelivered`: the page's delivered records close their pending entries (planned per call: OPEN_ENTRIES_PG). */
export const CLOSE_DELIVERED_PG = pgStatement(
  'hub_dead_letters_close_delivered',
  "update dead_letters set status = 'replayed', replayed_at = $1 " +
    "where flow_id = $2 and record_key = any($3::text[]) and status = 'pending'",
  { perCall: true },
);
