import type { Kysely } from 'kysely';
import type { DatabaseSync, StatementSync } from 'node:sqlite';

/**
 * Direct access to the SQLite connection under a `Kysely` (the store's `db`, or a transaction of it), for the few
 * hot statements of the runner (record links, per page): a prepared statement run per row costs a fraction of a
 * Kysely-built multi-row statement (building and compiling thousands of parameters per page). Only where it is
 * safe on the single connection:
 * - under a transaction, while that connection is inside a transaction (the caller's, as SQLite runs one at a
 *   time);
 * - under `db`, while no transaction is open: a synchronous statement then sees committed data only. While one is
 *   open the caller takes its ordinary Kysely path, which waits for the connection (or, inside that transaction's
 *   scope, is refused as a misuse).
 */
export interface RawSqlite {
  readonly raw: DatabaseSync;
  /** A prepared statement for `sql`, prepared once per connection. */
  statement(sql: string): StatementSync;
}

const handles = new WeakMap<object, { sqlite: RawSqlite; transaction: boolean }>();

export function registerRawSqlite(db: Kysely<never> | object, sqlite: RawSqlite, transaction: boolean): void {
  handles.set(db, { sqlite, transaction });
}

/** The raw connection under `db` when a statement may run on it now, else undefined (use Kysely). */
export function rawSqliteFor(db: object): RawSqlite | undefined {
  const handle = handles.get(db);
  if (handle === undefined || !handle.sqlite.raw.isOpen) return undefined;
  return handle.sqlite.raw.isTransaction === handle.transaction ? handle.sqlite : undefined;
}
