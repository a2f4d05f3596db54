import { Migrator, sql, type Kysely } from 'kysely';
import { Vault, generateVaultKey } from '../../../core/security/vault';
import { ConnectionsRepo, RecordLinksRepo, type Database } from '../../../core/store';
import { migrationProvider } from '../../../core/store/migrations';
import { engines, openTestStore, type TestStore } from '../../helpers/postgres';

/**
 * Migration 0014 drops the foreign key from record_links.connection_id to connections (SQLite: a table rebuild).
 * A store with links in it, taken back to 0013 (0014's down) and brought up again, keeps every link, its
 * indexes and what they answer; a deleted connection's links still go (ConnectionsRepo.delete).
 */
describe.each(engines)('migration 0014: record links without a foreign key to connections (%s)', (engine) => {
  let t: TestStore;
  let migrator: Migrator;
  beforeAll(async () => {
    t = await openTestStore(engine);
    let migrationTableSchema: string | undefined;
    if (engine === 'postgres') {
      const { rows } = await sql<{ schema: string }>`select current_schema() as schema`.execute(t.store.db);
      migrationTableSchema = rows[0].schema;
    }
    migrator = new Migrator({ db: t.store.db, provider: migrationProvider, migrationTableSchema });
  });
  afterAll(async () => {
    await t.cleanup();
  });

  async function foreignKeys(db: Kysely<Database>): Promise<string[]> {
    if (engine === 'sqlite') {
      const { rows } = await sql<{
        table: string;
      }>`select "table" from pragma_foreign_key_list('record_links')`.execute(db);
      return rows.map((r) => r.table);
    }
    const { rows } = await sql<{ table: string }>`
      select ref.relname as "table" from pg_constraint con
      join pg_class rel on rel.oid = con.conrelid join pg_class ref on ref.oid = con.confrelid
      join pg_namespace ns on ns.oid = rel.relnamespace
      where rel.relname = 'record_links' and ns.nspname = current_schema() and con.contype = 'f'`.execute(db);
    return rows.map((r) => r.table);
  }

  async function indexes(db: Kysely<Database>): Promise<string[]> {
    const { rows } =
      engine === 'sqlite'
        ? await sql<{
            name: string;
          }>`select name from sqlite_master where type = 'index' and tbl_name = 'record_links' and name not like 'sqlite_autoindex%'`.execute(
            db,
          )
        : await sql<{
            name: string;
          }>`select indexname as name from pg_indexes where tablename = 'record_links' and schemaname = current_schema() and indexname not like '%pkey' and indexname not like '%_uq'`.execute(
            db,
          );
    return rows.map((r) => r.name).sort();
  }

  const allLinks = (db: Kysely<Database>) => db.selectFrom('record_links').selectAll().orderBy('id').execute();

  it('upgrades a store holding links: every row kept, no foreign key, same indexes and answers; down restores it', async () => {
    const db = t.store.db;
    expect(await foreignKeys(db)).toEqual([]);
    const latestIndexes = await indexes(db);
    expect(latestIndexes).toEqual(['record_links_entity_connection_idx']);

    // back to 0013 (0014's down): the foreign key is there again
    const down = await migrator.migrateTo('0013_link_mapped_state');
    expect(down.error).toBeUndefined();
    expect(down.results?.map((r) => [r.migrationName, r.direction, r.status])).toEqual([
      ['0014_link_connection_no_fk', 'Down', 'Success'],
    ]);
    expect(await foreignKeys(db)).toEqual(['connections']);

    // links written at 0013, in two connections and two link groups, with every kind of column set
    const connections = new ConnectionsRepo(db, new Vault([generateVaultKey()]));
    const a = await connections.create({ name: 'm-a', connectorId: 'x', settings: {} });
    const b = await connections.create({ name: 'm-b', connectorId: 'x', settings: {} });
    const links = new RecordLinksRepo(db);
    for (const group of ['lg-1', 'lg-2'])
      for (let i = 0; i < 5; i++) {
        await links.link(
          group,
          'contact',
          { connectionId: a.id, externalId: `a${i}`, lastReadHash: `r${i}`, lastReadFields: { email: 'h' } },
          { connectionId: b.id, externalId: `b${i}`, lastWrittenHash: `w${i}`, lastWrittenFields: ['email'] },
          1000 + i,
        );
      }
    await links.save({
      linkGroup: 'lg-1',
      entity: 'contact',
      connectionId: a.id,
      externalId: 'a0',
      lastMapped: 'fp:hash',
      duplicateOf: 'a1',
      lastSeenRunId: 'run_1',
      sourceModifiedAt: 77,
      deletedAt: 88,
    });
    const before = await allLinks(db);
    expect(before).toHaveLength(20);

    // up again: the rows are the same, the foreign key is gone, the indexes are as on a fresh store
    const up = await migrator.migrateToLatest();
    expect(up.error).toBeUndefined();
    expect(up.results?.map((r) => [r.migrationName, r.direction, r.status])).toEqual([
      ['0014_link_connection_no_fk', 'Up', 'Success'],
    ]);
    expect(await foreignKeys(db)).toEqual([]);
    expect(await indexes(db)).toEqual(latestIndexes);
    expect(await allLinks(db)).toEqual(before);

    // the unique key still holds (an upsert updates the row) and the look-ups answer as before
    await links.save({
      linkGroup: 'lg-2',
      entity: 'contact',
      connectionId: b.id,
      externalId: 'b3',
      lastWrittenHash: 'w3b',
    });
    expect(await allLinks(db)).toHaveLength(20);
    const peer = await links.peerIn('lg-2', { connectionId: a.id, externalId: 'a3' }, b.id);
    expect(peer).toMatchObject({ externalId: 'b3', lastWrittenHash: 'w3b' });
    const byEntity = await links.findByEntities('lg-1', [peer!.entityId], [a.id, b.id]);
    expect(byEntity).toEqual([]); // lg-2's entity is not in lg-1
    const a2 = await links.find('lg-1', { connectionId: a.id, externalId: 'a2' });
    expect((await links.findByEntities('lg-1', [a2!.entityId], [b.id])).map((l) => l.externalId)).toEqual(['b2']);
    await expect(
      sql`insert into record_links (id, link_group, entity_id, entity, connection_id, external_id, created_at, updated_at) values ('lnk_dup', 'lg-1', 'e', 'contact', ${a.id}, 'a1', 1, 1)`.execute(
        db,
      ),
    ).rejects.toThrow(/unique|duplicate/i);

    // a link may now name a connection that does not exist; deleting a connection still takes its links
    await links.save({ linkGroup: 'lg-1', entity: 'contact', connectionId: 'con_gone', externalId: 'x' });
    expect(await connections.delete(b.id)).toBe(true);
    const left = await allLinks(db);
    expect(left.filter((l) => l.connection_id === b.id)).toEqual([]);
    expect(left.filter((l) => l.connection_id === a.id)).toHaveLength(10);

    // down with a link of a connection that is gone: that link cannot keep a foreign key and goes
    const again = await migrator.migrateTo('0013_link_mapped_state');
    expect(again.error).toBeUndefined();
    expect(await foreignKeys(db)).toEqual(['connections']);
    const kept = await allLinks(db);
    expect(kept.map((l) => l.connection_id)).toEqual(left.filter((l) => l.connection_id === a.id).map(() => a.id));
    expect(kept).toEqual(left.filter((l) => l.connection_id === a.id));
    expect((await migrator.migrateToLatest()).error).toBeUndefined();
    expect(await foreignKeys(db)).toEqual([]);
    expect(await allLinks(db)).toEqual(kept);
  });
});
