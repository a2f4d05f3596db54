import { sql } from 'kysely';
import { openStore, RecordLinksRepo, type Store } from '../../../core/store';
import { loadConfig } from '../../../core/config';
import { createTestDatabase, engines, type TestDatabase } from '../../helpers/postgres';

/**
 * HUB_DATABASE_PREPARED=off: behind a connection pooler in transaction mode (PgBouncer before 1.21, or without
 * max_prepared_statements) a named prepared statement lives in a server session the next transaction may not get,
 * so the runner's hot statements (core/store/raw-pg.ts) must go unnamed — same texts, same array parameters, same
 * results — and none may be left prepared on the server.
 */
const postgres = engines.includes('postgres');

(postgres ? describe : describe.skip)('PostgreSQL without named prepared statements (HUB_TEST_DATABASE_URL)', () => {
  let database: TestDatabase;
  let store: Store;

  beforeAll(async () => {
    database = await createTestDatabase('postgres');
    const config = loadConfig({
      HUB_DATABASE_URL: database.databaseUrl,
      HUB_DATA_DIR: database.dataDir,
      HUB_DATABASE_PREPARED: 'off',
    });
    expect(config.databasePrepared).toBe(false);
    store = await openStore({
      databaseUrl: database.databaseUrl,
      dataDir: database.dataDir,
      poolSize: 2,
      preparedStatements: config.databasePrepared,
    });
  });
  afterAll(async () => {
    await store.close();
    await database.drop();
  });

  it('reads and writes links as the prepared path does, and prepares nothing on the server', async () => {
    const link = (externalId: string, lastReadHash: string) => ({
      linkGroup: 'unnamed',
      entity: 'contact',
      connectionId: 'conn_crm',
      externalId,
      lastReadHash,
    });
    await store.transaction(async (trx) => {
      const links = new RecordLinksRepo(trx);
      await links.saveMany([link('a', 'r1'), link('b', 'r2'), link('say "hi"', 'r3')], 1000);
      await links.saveMany([link('a', 'r4')], 1001);
      const found = await links.findMany('unnamed', 'conn_crm', ['a', 'b', 'say "hi"', 'absent']);
      expect([...found.keys()].sort()).toEqual(['a', 'b', 'say "hi"']);
      expect(found.get('a')).toMatchObject({ lastReadHash: 'r4' });
      const { rows } = await sql<{ name: string }>`select name from pg_prepared_statements`.execute(trx);
      expect(rows).toEqual([]);
    });
  });

  it('refuses a value other than on/off, naming the variable', () => {
    expect(() => loadConfig({ HUB_DATABASE_PREPARED: 'sometimes' })).toThrow(/HUB_DATABASE_PREPARED/);
  });
});
