import { DatabaseSync, type SQLInputValue, type StatementSync } from 'node:sqlite';
import type { SqliteDatabase, SqliteStatement } from 'kysely';
import type { RawSqlite } from './raw-sqlite';

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

  constructor(
    private readonly statement: StatementSync,
    private readonly database: DatabaseSync,
  ) {
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
    // An iterator keeps its statement stepping until it is done; the cached statement may be run again meanwhile
    // (another query of the same text), which would reset it under the iterator. A stream gets its own statement.
    return this.database.prepare(this.statement.sourceSQL).iterate(...toParams(parameters));
  }
}

/** Prepared statements kept per database (by SQL text), least recently used dropped first. */
export const DEFAULT_STATEMENT_CACHE_SIZE = 256;

export interface NodeSqliteDatabaseOptions {
  /** How many prepared statements to keep; 0 prepares every statement anew. Default 256. */
  statementCacheSize?: number;
}

export class NodeSqliteDatabase implements SqliteDatabase, RawSqlite {
  /**
   * Preparing is a large part of a small statement's cost (a fifth of the runner's CPU before this cache), and the
   * hub runs a few hundred distinct statement texts over and over. A Map keeps insertion order: a hit moves its
   * entry to the end, so the first entry is the least recently used. node:sqlite has no explicit finalize: an
   * evicted statement is finalized when it is garbage-collected, and `close()` finalizes every one still open.
   */
  readonly #cache = new Map<string, NodeSqliteStatement>();
  /** Raw statements of the hot paths that bypass Kysely (core/store/raw-sqlite.ts): a few fixed texts. */
  readonly #raw = new Map<string, StatementSync>();
  readonly #capacity: number;

  constructor(
    readonly raw: DatabaseSync,
    options: NodeSqliteDatabaseOptions = {},
  ) {
    this.#capacity = Math.max(0, Math.floor(options.statementCacheSize ?? DEFAULT_STATEMENT_CACHE_SIZE));
  }

  /** Statements currently cached (tests, diagnostics). */
  get cachedStatements(): number {
    return this.#cache.size;
  }

  prepare(sql: string): SqliteStatement {
    const cached = this.#cache.get(sql);
    if (cached !== undefined) {
      this.#cache.delete(sql);
      this.#cache.set(sql, cached);
      return cached;
    }
    // Kysely opens transactions with a plain (deferred) BEGIN. A deferred transaction that reads and then writes
    // fails at once with SQLITE_BUSY when another process holds the write lock (busy_timeout does not apply to
    // that upgrade), so take the write lock up front; then busy_timeout makes a second writer wait instead.
    const text = /^\s*begin\s*;?\s*$/i.test(sql) ? 'begin immediate' : sql;
    const statement = new NodeSqliteStatement(this.raw.prepare(text), this.raw);
    if (this.#capacity > 0) {
      if (this.#cache.size >= this.#capacity) this.#cache.delete(this.#cache.keys().next().value as string);
      this.#cache.set(sql, statement);
    }
    return statement;
  }

  /** A raw prepared statement, prepared once (for a handful of fixed statement texts: core/store/raw-sqlite.ts). */
  statement(sql: string): StatementSync {
    let statement = this.#raw.get(sql);
    if (statement === undefined) {
      statement = this.raw.prepare(sql);
      this.#raw.set(sql, statement);
    }
    return statement;
  }

  close(): void {
    this.#cache.clear();
    this.#raw.clear();
    // closing the database finalizes every statement prepared on it, cached or not
    if (this.raw.isOpen) this.raw.close();
  }
}

/**
 * Opens (creating if needed) a SQLite database with the settings the hub relies on:
 * WAL (readers never block the writer), foreign keys enforced, and a busy timeout for concurrent processes.
 * `location` is a file path or ':memory:'.
 */
export function openSqliteDatabase(location: string, options: NodeSqliteDatabaseOptions = {}): NodeSqliteDatabase {
  const raw = new DatabaseSync(location, { enableForeignKeyConstraints: true });
  try {
    raw.exec(`PRAGMA busy_timeout = ${SQLITE_BUSY_TIMEOUT_MS}`);
    if (location !== ':memory:') raw.exec('PRAGMA journal_mode = WAL');
    raw.exec('PRAGMA foreign_keys = ON');
  } catch (error) {
    raw.close();
    throw error;
  }
  return new NodeSqliteDatabase(raw, options);
}
