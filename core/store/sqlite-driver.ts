import { DatabaseSync, type SQLInputValue, type StatementSync } from 'node:sqlite';
import type { SqliteDatabase, SqliteStatement } from 'kysely';

/**
 * Adapts Node's built-in `node:sqlite` (DatabaseSync) to the better-sqlite3-shaped interface Kysely's
 * SqliteDialect expects. Using the built-in module avoids a native build (better-sqlite3 needs a compiler or a
 * prebuilt binary for every Node version and platform), so `npm install` stays pure JavaScript.
 */

/** How long a connection waits for another process's write lock before failing with SQLITE_BUSY. */
export const SQLITE_BUSY_TIMEOUT_MS = 5000;

/** node:sqlite binds only null, numbers, bigints, strings and bytes; map the rest explicitly. */
function toSqliteValue(value: unknown): SQLInputValue {
  if (value === undefined || value === null) return null;
  if (typeof value === 'boolean') return value ? 1 : 0;
  if (typeof value === 'number' || typeof value === 'bigint' || typeof value === 'string') return value;
  if (value instanceof Uint8Array) return value;
  if (value instanceof Date) return value.getTime();
  throw new TypeError(`cannot bind a ${typeof value} parameter to SQLite; serialise it (JSON text) first`);
}

function toParams(parameters: ReadonlyArray<unknown>): SQLInputValue[] {
  return parameters.map(toSqliteValue);
}

class NodeSqliteStatement implements SqliteStatement {
  readonly reader: boolean;

  constructor(private readonly statement: StatementSync) {
    // A statement returns rows when it has result columns (SELECT, PRAGMA, … RETURNING).
    this.reader = statement.columns().length > 0;
  }

  all(parameters: ReadonlyArray<unknown>): unknown[] {
    return this.statement.all(...toParams(parameters));
  }

  run(parameters: ReadonlyArray<unknown>): { changes: number | bigint; lastInsertRowid: number | bigint } {
    const { changes, lastInsertRowid } = this.statement.run(...toParams(parameters));
    return { changes, lastInsertRowid };
  }

  iterate(parameters: ReadonlyArray<unknown>): IterableIterator<unknown> {
    return this.statement.iterate(...toParams(parameters));
  }
}

export class NodeSqliteDatabase implements SqliteDatabase {
  constructor(readonly raw: DatabaseSync) {}

  prepare(sql: string): SqliteStatement {
    // Kysely opens transactions with a plain (deferred) BEGIN. A deferred transaction that reads and then writes
    // fails at once with SQLITE_BUSY when another process holds the write lock (busy_timeout does not apply to
    // that upgrade), so take the write lock up front; then busy_timeout makes a second writer wait instead.
    const text = /^\s*begin\s*;?\s*$/i.test(sql) ? 'begin immediate' : sql;
    return new NodeSqliteStatement(this.raw.prepare(text));
  }

  close(): void {
    if (this.raw.isOpen) this.raw.close();
  }
}

/**
 * Opens (creating if needed) a SQLite database with the settings the hub relies on:
 * WAL (readers never block the writer), foreign keys enforced, and a busy timeout for concurrent processes.
 * `location` is a file path or ':memory:'.
 */
export function openSqliteDatabase(location: string): NodeSqliteDatabase {
  const raw = new DatabaseSync(location, { enableForeignKeyConstraints: true });
  try {
    raw.exec(`PRAGMA busy_timeout = ${SQLITE_BUSY_TIMEOUT_MS}`);
    if (location !== ':memory:') raw.exec('PRAGMA journal_mode = WAL');
    raw.exec('PRAGMA foreign_keys = ON');
  } catch (error) {
    raw.close();
    throw error;
  }
  return new NodeSqliteDatabase(raw);
}
