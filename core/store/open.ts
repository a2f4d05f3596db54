import fs from 'node:fs';
import path from 'node:path';
import { Kysely, Migrator, PostgresDialect, SqliteDialect, sql, type Transaction } from 'kysely';
import { Pool, TypeOverrides } from 'pg';
import { ConfigError } from '../sdk/errors';
import { migrationProvider } from './migrations';
import type { Database } from './schema';
import { preparingPool, registerRawPg } from './raw-pg';
import { registerRawSqlite } from './raw-sqlite';
import { openSqliteDatabase, type NodeSqliteDatabase } from './sqlite-driver';
import { currentSchemaIntrospection } from './pg-introspector';
import { PlannerStatistics, registerPlannerStatistics } from './planner-statistics';
import { TransactionScope, guardDialect } from './transaction-guard';

export type StoreEngine = 'sqlite' | 'postgres';

export interface Store {
  readonly engine: StoreEngine;
  /** The query builder. Repositories take a `Kysely<Database>`, so they work on `db` and inside a transaction. */
  readonly db: Kysely<Database>;
  /** SQLite: the database file (or ':memory:'); PostgreSQL: the URL without its password. */
  readonly location: string;
  /**
   * Runs `fn` in one transaction; commits when it resolves, rolls back when it throws. Inside `fn`, query only
   * through `trx`: a query through `db` fails at once with a TransactionMisuseError (on SQLite it would hang).
   * Do not nest.
   */
  transaction<T>(fn: (trx: Transaction<Database>) => Promise<T>): Promise<T>;
  /** Resolves when the database answers a trivial query (used by /readyz). */
  ping(): Promise<void>;
  close(): Promise<void>;
}

export interface OpenStoreOptions {
  /** A postgres:// or postgresql:// URL selects PostgreSQL; ':memory:' an in-memory SQLite (tests); absent → SQLite file. */
  databaseUrl?: string;
  /** Folder for `hub.sqlite` when SQLite is used. */
  dataDir: string;
  /** Largest number of PostgreSQL connections this process opens (default 10). */
  poolSize?: number;
  /**
   * PostgreSQL: send the runner's hot statements as named prepared statements (default true; core/store/raw-pg.ts).
   * false sends the same texts unnamed, which a connection pooler in transaction mode (PgBouncer before 1.21, or
   * without `max_prepared_statements`) can pass on: a named statement lives in one server session, which such a pooler
   * does not keep for a client.
   */
  preparedStatements?: boolean;
  /** Told about errors on idle PostgreSQL connections (a restarted server, a dropped network), which are otherwise fatal. */
  onBackgroundError?: (error: Error) => void;
}

export const SQLITE_FILE_NAME = 'hub.sqlite';

/**
 * int8 (bigint) comes back from `pg` as a string by default; our bigints are epoch milliseconds and counts, so
 * read them as numbers (as SQLite does) and refuse, loudly, a value a number cannot hold exactly.
 */
function postgresTypes(): TypeOverrides {
  const types = new TypeOverrides();
  types.setTypeParser(20, (value: string) => {
    const n = Number(value);
    if (!Number.isSafeInteger(n)) throw new RangeError(`bigint value ${value} does not fit a JavaScript number`);
    return n;
  });
  return types;
}

function redactUrl(url: string): string {
  try {
    const parsed = new URL(url);
    if (parsed.password) parsed.password = '***';
    if (parsed.searchParams.has('password')) parsed.searchParams.set('password', '***');
    return parsed.toString();
  } catch {
    return 'postgres://(unparseable URL)';
  }
}

/**
 * What went wrong when the first query failed, told apart by PostgreSQL's SQLSTATE (or the socket's error code),
 * with the fix. The URL in the message has its password masked; PostgreSQL's own messages never quote it.
 */
export function postgresConnectError(error: unknown, location: string): Error {
  const code = typeof error === 'object' && error !== null ? String((error as { code?: unknown }).code ?? '') : '';
  const reason = error instanceof Error ? error.message : String(error);
  const config = (message: string) =>
    new ConfigError(`${message} (HUB_DATABASE_URL=${location})`, { field: 'HUB_DATABASE_URL', cause: error });
  switch (code) {
    case '28P01':
      return config(`PostgreSQL refused the password: ${reason}; fix the user or password in HUB_DATABASE_URL`);
    case '28000':
      return config(
        `PostgreSQL refused the login: ${reason}; check the user in HUB_DATABASE_URL and the server's pg_hba.conf`,
      );
    case '3D000':
      return config(`${reason}; create it (createdb) or fix the database name in HUB_DATABASE_URL`);
    case 'ENOTFOUND':
    case 'EAI_AGAIN':
      return config(`cannot find the PostgreSQL host: ${reason}; fix the host in HUB_DATABASE_URL`);
    default:
      return new Error(
        `cannot reach PostgreSQL at ${location}: ${reason}; check that it is running and that HUB_DATABASE_URL points to it`,
        { cause: error },
      );
  }
}

function isPostgresUrl(url: string): boolean {
  return /^postgres(ql)?:\/\//i.test(url);
}

function sqliteLocation(options: OpenStoreOptions): string {
  const url = options.databaseUrl;
  if (url === ':memory:' || url === 'sqlite::memory:') return ':memory:';
  if (url !== undefined && url.startsWith('sqlite:'))
    return path.resolve(url.slice('sqlite:'.length).replace(/^\/\//, ''));
  if (url !== undefined && url !== '') {
    throw new ConfigError('HUB_DATABASE_URL must be a postgres:// URL (leave it unset to use SQLite)', {
      field: 'HUB_DATABASE_URL',
    });
  }
  if (!fs.existsSync(options.dataDir)) fs.mkdirSync(options.dataDir, { recursive: true, mode: 0o700 });
  return path.join(options.dataDir, SQLITE_FILE_NAME);
}

async function migrate(db: Kysely<Database>, engine: StoreEngine): Promise<void> {
  // Kysely looks for its migration tables in every schema unless told which one; name the current schema, so a
  // database holding several hub schemas (one per instance, or per test) migrates each on its own.
  let migrationTableSchema: string | undefined;
  if (engine === 'postgres') {
    const { rows } = await sql<{ schema: string | null }>`select current_schema() as schema`.execute(db);
    if (!rows[0]?.schema) throw new Error('PostgreSQL has no current schema: check search_path in the database URL');
    migrationTableSchema = rows[0].schema;
  }
  const migrator = new Migrator({ db, provider: migrationProvider, migrationTableSchema });
  const { error, results } = await migrator.migrateToLatest();
  if (error) {
    const failed = results?.find((r) => r.status === 'Error')?.migrationName;
    const reason = error instanceof Error ? error.message : String(error);
    throw new Error(`store migration${failed ? ` ${failed}` : 's'} failed: ${reason}`, { cause: error });
  }
}

/**
 * Opens the store named by the configuration and brings its schema up to date (versioned migrations, run at
 * start-up; on PostgreSQL they are serialised by Kysely's migration lock, so many workers may start at once).
 */
export async function openStore(options: OpenStoreOptions): Promise<Store> {
  const url = options.databaseUrl;
  let engine: StoreEngine;
  let location: string;
  let db: Kysely<Database>;
  let sqlite: NodeSqliteDatabase | undefined;
  let statistics: PlannerStatistics | undefined;
  const scope = new TransactionScope();

  if (url !== undefined && isPostgresUrl(url)) {
    engine = 'postgres';
    location = redactUrl(url);
    // connectionTimeoutMillis: an unreachable host fails within a bounded wait instead of hanging on the socket
    const pool = new Pool({
      connectionString: url,
      max: options.poolSize ?? 10,
      types: postgresTypes(),
      connectionTimeoutMillis: 10_000,
    });
    pool.on('error', (error) => options.onBackgroundError?.(error));
    db = new Kysely<Database>({
      // the runner's hot statements go as named prepared statements (core/store/raw-pg.ts)
      dialect: guardDialect(
        currentSchemaIntrospection(
          new PostgresDialect({ pool: preparingPool(pool, options.preparedStatements !== false) }),
        ),
        scope,
      ),
    });
    registerRawPg(db);
    statistics = new PlannerStatistics((error) =>
      options.onBackgroundError?.(error instanceof Error ? error : new Error(String(error))),
    );
    registerPlannerStatistics(db, statistics);
  } else {
    engine = 'sqlite';
    location = sqliteLocation(options);
    sqlite = openSqliteDatabase(location);
    db = new Kysely<Database>({ dialect: guardDialect(new SqliteDialect({ database: sqlite }), scope) });
    registerRawSqlite(db, sqlite, false);
  }

  try {
    if (engine === 'postgres') {
      try {
        await sql`select 1`.execute(db);
      } catch (error) {
        throw postgresConnectError(error, location);
      }
    }
    await migrate(db, engine);
  } catch (error) {
    await db.destroy().catch(() => undefined);
    sqlite?.close();
    throw error;
  }

  let closed = false;
  return {
    engine,
    db,
    location,
    async transaction(fn) {
      const result = await db.transaction().execute((trx) => {
        if (sqlite !== undefined) registerRawSqlite(trx, sqlite, true);
        if (statistics !== undefined) {
          registerPlannerStatistics(trx, statistics);
          registerRawPg(trx);
        }
        return scope.run(() => fn(trx));
      });
      // after the commit, outside any transaction: tables grown past their threshold are analysed (in the background)
      statistics?.refreshIfDue(db);
      return result;
    },
    async ping() {
      await sql`select 1`.execute(db);
    },
    async close() {
      if (closed) return;
      closed = true;
      await statistics?.settle();
      await db.destroy();
      sqlite?.close();
    },
  };
}
