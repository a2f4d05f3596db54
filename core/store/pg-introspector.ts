import {
  sql,
  type DatabaseIntrospector,
  type DatabaseMetadata,
  type Dialect,
  type Kysely,
  type TableMetadata,
} from 'kysely';

/**
 * Kysely's own PostgreSQL introspector lists the tables of every schema in the database and calls
 * has_schema_privilege() and pg_get_serial_sequence() per schema and column. Another hub instance (or test) dropping
 * its schema in the same database while that query runs fails it with `schema "…" does not exist` (3F000), and the
 * migrator — its only user here — then failed the store's start-up though nothing was wrong with its own schema
 * (seen in CI; reproduced by test/core/store/migrate-schema-race.test.ts). This one reads the current schema's
 * tables only (the hub always works in `current_schema()`, set by search_path), without columns: the migrator asks
 * only whether its tables exist.
 */
class CurrentSchemaIntrospector implements DatabaseIntrospector {
  constructor(private readonly db: Kysely<unknown>) {}

  async getSchemas(): Promise<{ name: string }[]> {
    const { rows } = await sql<{ name: string }>`select current_schema() as name`.execute(this.db);
    return rows.filter((row) => row.name !== null);
  }

  async getTables(options: { withInternalKyselyTables?: boolean } = {}): Promise<TableMetadata[]> {
    const { rows } = await sql<{ schema: string; name: string; kind: string }>`
      select n.nspname as schema, c.relname as name, c.relkind as kind
      from pg_catalog.pg_class c join pg_catalog.pg_namespace n on n.oid = c.relnamespace
      where n.nspname = current_schema() and c.relkind in ('r', 'v', 'p')
      order by c.relname`.execute(this.db);
    return rows
      .filter(
        (row) =>
          options.withInternalKyselyTables === true ||
          (row.name !== 'kysely_migration' && row.name !== 'kysely_migration_lock'),
      )
      .map((row) => ({ name: row.name, schema: row.schema, isView: row.kind === 'v', columns: [] }));
  }

  async getMetadata(options?: { withInternalKyselyTables?: boolean }): Promise<DatabaseMetadata> {
    return { tables: await this.getTables(options) };
  }
}

/** `dialect` with an introspector that reads the current schema only (see above). */
export function currentSchemaIntrospection(dialect: Dialect): Dialect {
  return {
    createDriver: () => dialect.createDriver(),
    createQueryCompiler: () => dialect.createQueryCompiler(),
    createAdapter: () => dialect.createAdapter(),
    createIntrospector: (db) => new CurrentSchemaIntrospector(db as Kysely<unknown>),
  };
}
