import {
  CompiledQuery,
  type Kysely,
  type PostgresCursor,
  type PostgresPool,
  type PostgresPoolClient,
  type PostgresQueryResult,
} from 'kysely';
import type { Pool, PoolClient } from 'pg';

/**
 * The PostgreSQL counterpart of core/store/raw-sqlite.ts: the runner's hot statements (record links, run records,
 * dead letters, per page) as fixed SQL texts with array parameters (`= any($1::text[])`, `unnest($1::text[], …)`),
 * sent as named prepared statements, instead of a Kysely-built statement per batch (hundreds of parameters built
 * and compiled each time, a new text for PostgreSQL to parse and plan each time).
 *
 * A statement still runs through Kysely (`db.executeQuery`), so it runs on the transaction's connection inside
 * `store.transaction` and is refused through `store.db` there (core/store/transaction-guard.ts), as any query. Only
 * the pool under the store's PostgresDialect is wrapped (`preparingPool`): a text registered here is sent as
 * `{ name, text, values }` (pg parses it once per connection, PostgreSQL plans it per connection), optionally with
 * rows as arrays; every other text goes to pg as before. A named statement needs a session of its own on the
 * server: behind a pooler in transaction mode (PgBouncer before 1.21, or without `max_prepared_statements`) it would
 * fail, so HUB_DATABASE_PREPARED=off sends the same texts unnamed (`preparingPool(pool, false)`).
 */
export interface PgStatement {
  readonly name: string;
  readonly text: string;
  /** Rows as arrays of column values, in the select list's order (no object per row). */
  readonly rowMode?: 'array';
}

const byText = new Map<string, PgStatement>();
const byName = new Map<string, string>();

/**
 * Declares a prepared statement (once, at module load). A name stands for one text. `perCall`: sent unnamed instead
 * (the fixed text and its array parameters, parsed and planned with its values at each call), for a statement whose
 * generic plan would be bad: PostgreSQL plans a prepared statement with its values for five calls, then may keep a
 * generic plan, in which `= any($n)` and `<> all($n)` outside an index condition compare every row with every
 * element (a plan with the values hashes them).
 */
export function pgStatement(
  name: string,
  text: string,
  options: { rowMode?: 'array'; perCall?: boolean } = {},
): PgStatement {
  if (options.perCall === true && options.rowMode !== undefined)
    throw new Error(`${name}: rows as arrays need a prepared statement`);
  const known = byName.get(name);
  if (known !== undefined && known !== text) throw new Error(`prepared statement ${name} declared with two texts`);
  const existing = byText.get(text);
  if (existing !== undefined) return existing;
  const statement: PgStatement = { name, text, ...(options.rowMode === undefined ? {} : { rowMode: options.rowMode }) };
  byName.set(name, text);
  if (options.perCall !== true) byText.set(text, statement);
  return statement;
}

/** The declared statement of `text`, if any. */
export function declaredPgStatement(text: string): PgStatement | undefined {
  return byText.get(text);
}

/** `store.db` or a transaction of it, whatever its tables. */
type Executor = Pick<Kysely<never>, 'executeQuery'>;

/** A pool client that sends declared texts as named statements. One per pg client (Kysely keys its connections by it). */
class PreparingClient implements PostgresPoolClient {
  constructor(
    readonly client: PoolClient,
    /** false (HUB_DATABASE_PREPARED=off): the declared texts go unnamed, for a pooler in transaction mode. */
    private readonly named: boolean,
  ) {}

  query<R>(sql: string, parameters: ReadonlyArray<unknown>): Promise<PostgresQueryResult<R>>;
  query<R>(cursor: PostgresCursor<R>): PostgresCursor<R>;
  query(sqlOrCursor: string | PostgresCursor<unknown>, parameters?: ReadonlyArray<unknown>): unknown {
    // Kysely's cursor (streaming) and every undeclared text: as Kysely's own client would send them
    if (typeof sqlOrCursor !== 'string') return this.client.query(sqlOrCursor as never);
    const statement = byText.get(sqlOrCursor);
    const values = parameters as unknown[];
    if (statement === undefined) return this.client.query(sqlOrCursor, values);
    const { name, text } = statement;
    if (!this.named)
      return statement.rowMode === 'array'
        ? this.client.query({ text, values, rowMode: 'array' })
        : this.client.query(text, values);
    return statement.rowMode === 'array'
      ? this.client.query({ name, text, values, rowMode: 'array' })
      : this.client.query({ name, text, values });
  }

  release(): void {
    this.client.release();
  }
}

/**
 * `pool` for Kysely's PostgresDialect, sending declared statements prepared (`named`, the default), or unnamed with
 * the same fixed texts and array parameters (HUB_DATABASE_PREPARED=off, for a pooler in transaction mode).
 */
export function preparingPool(pool: Pool, named = true): PostgresPool {
  const clients = new WeakMap<PoolClient, PreparingClient>();
  return {
    async connect() {
      const client = await pool.connect();
      let wrapped = clients.get(client);
      if (wrapped === undefined) clients.set(client, (wrapped = new PreparingClient(client, named)));
      return wrapped;
    },
    end: () => pool.end(),
  };
}

/** An escape JSON writes that PostgreSQL's array literal would read otherwise (control characters, lone surrogates). */
const JSON_ONLY_ESCAPE = /\\[bfnrtu]/;

/**
 * An array parameter (text[], bigint[], integer[]) as PostgreSQL's array literal, made by JSON.stringify: a JSON
 * array of strings, numbers and nulls is that literal with brackets for braces (both quote elements in double
 * quotes and escape `"` and `\` with a backslash; an unquoted null is NULL), so the native serialiser replaces pg's
 * per-element escaping (two regular expressions each: ~5 µs per created record in a profile of the runner). Values
 * JSON writes differently (control characters, lone surrogates: `\n`, `\u…`) go as the array, which pg converts
 * itself, and so do numbers that are not finite.
 */
export function pgArray(values: readonly (string | number | null)[]): string | readonly (string | number | null)[] {
  // JSON writes NaN and Infinity as null: those go to pg (which refuses them, as before)
  for (const value of values) if (typeof value === 'number' && !Number.isFinite(value)) return values;
  const json = JSON.stringify(values);
  if (JSON_ONLY_ESCAPE.test(json)) return values;
  return `{${json.slice(1, -1)}}`;
}

const stores = new WeakSet<object>();

/** Marks a store's `db` (and each of its transactions) as running on a `preparingPool`. */
export function registerRawPg(db: object): void {
  stores.add(db);
}

/** Whether `db` belongs to a PostgreSQL store whose pool sends declared statements prepared. */
export function isRawPg(db: object): boolean {
  return stores.has(db);
}

/** Runs a declared statement on `db` (the transaction's connection under a transaction); its rows. */
export async function runPg<R>(db: Executor, statement: PgStatement, values: unknown[]): Promise<R[]> {
  const result = await db.executeQuery<R>(CompiledQuery.raw(statement.text, values));
  return result.rows;
}

/** Runs a declared statement that returns no rows; the rows it affected. */
export async function execPg(db: Executor, statement: PgStatement, values: unknown[]): Promise<number> {
  const result = await db.executeQuery(CompiledQuery.raw(statement.text, values));
  return Number(result.numAffectedRows ?? 0n);
}
