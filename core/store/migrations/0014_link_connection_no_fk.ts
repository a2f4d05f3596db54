import { SqliteAdapter, sql, type Kysely } from 'kysely';

/**
 * `record_links.connection_id` no longer references `connections` (no foreign key): every link row the runner
 * writes (two per created record) paid a look-up in `connections` to check it, about 2 µs of CPU per created
 * record on SQLite (bench/README.md, "Flow runner", round 4). What the constraint did for the hub — a deleted
 * connection's links go with it — `ConnectionsRepo.delete` now does itself, in the same transaction as the delete
 * (test/core/store/connections.test.ts). A connection is only deleted once no flow uses it, so no run writes links
 * for it meanwhile.
 *
 * SQLite cannot drop a constraint: the table is rebuilt the SQLite way (new table, copy, drop, rename, indexes),
 * with the same columns in the same order, in one transaction. PostgreSQL drops the constraint.
 */

/** The columns of record_links after 0013, in table order (the rebuild keeps it). */
const COLUMNS = [
  'id',
  'link_group',
  'entity_id',
  'entity',
  'connection_id',
  'external_id',
  'last_written_hash',
  'last_read_hash',
  'source_modified_at',
  'deleted_at',
  'created_at',
  'updated_at',
  'last_written_fields',
  'last_read_fields',
  'last_seen_run',
  'duplicate_of',
  'last_mapped',
].join(', ');

function isSqlite(db: Kysely<unknown>): boolean {
  return db.getExecutor().adapter instanceof SqliteAdapter;
}

/** Rebuilds record_links on SQLite, with or without the foreign key to connections. */
async function rebuildSqlite(db: Kysely<unknown>, foreignKey: boolean): Promise<void> {
  const references = foreignKey ? ' references "connections" ("id") on delete cascade' : '';
  await db.transaction().execute(async (tx) => {
    await sql`drop table if exists record_links_rebuilt`.execute(tx);
    await sql
      .raw(
        'create table record_links_rebuilt (' +
          '"id" text not null primary key, "link_group" text not null, "entity_id" text not null, ' +
          `"entity" text not null, "connection_id" text not null${references}, "external_id" text not null, ` +
          '"last_written_hash" text, "last_read_hash" text, "source_modified_at" bigint, "deleted_at" bigint, ' +
          '"created_at" bigint not null, "updated_at" bigint not null, "last_written_fields" text, ' +
          '"last_read_fields" text, "last_seen_run" text, "duplicate_of" text, "last_mapped" text, ' +
          'constraint "record_links_external_uq" unique ("link_group", "connection_id", "external_id"))',
      )
      .execute(tx);
    // with the foreign key back (down), links of connections that are gone cannot be kept
    const orphans = foreignKey ? ' where connection_id in (select id from connections)' : '';
    await sql
      .raw(`insert into record_links_rebuilt (${COLUMNS}) select ${COLUMNS} from record_links${orphans}`)
      .execute(tx);
    await sql`drop table record_links`.execute(tx);
    await sql`alter table record_links_rebuilt rename to record_links`.execute(tx);
    await sql`create index record_links_entity_connection_idx on record_links (link_group, entity_id, connection_id)`.execute(
      tx,
    );
  });
}

export async function up(db: Kysely<unknown>): Promise<void> {
  if (isSqlite(db)) {
    await rebuildSqlite(db, false);
    return;
  }
  // the constraint's name is PostgreSQL's choice (record_links_connection_id_fkey): found in the catalog
  const { rows } = await sql<{ name: string }>`
    select con.conname as name from pg_constraint con
    join pg_class rel on rel.oid = con.conrelid
    join pg_namespace ns on ns.oid = rel.relnamespace
    where rel.relname = 'record_links' and ns.nspname = current_schema() and con.contype = 'f'`.execute(db);
  for (const { name } of rows) await sql`alter table record_links drop constraint ${sql.id(name)}`.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  if (isSqlite(db)) {
    await rebuildSqlite(db, true);
    return;
  }
  await sql`delete from record_links where connection_id not in (select id from connections)`.execute(db);
  await sql`alter table record_links add constraint record_links_connection_id_fkey foreign key (connection_id) references connections (id) on delete cascade`.execute(
    db,
  );
}
