import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { sql } from 'kysely';
import { openStore, SQLITE_FILE_NAME, TransactionMisuseError } from '../../../core/store';
import { migrationProvider } from '../../../core/store/migrations';
import { ConfigError } from '../../../core/sdk/errors';
import { engines, openTestStore, type TestStore } from '../../helpers/postgres';

const TABLES = [
  'api_tokens',
  'audit_log',
  'checkpoints',
  'connections',
  'dead_letters',
  'flows',
  'jobs',
  'mappings',
  'meta',
  'record_links',
  'review_items',
  'run_failures',
  'run_record_totals',
  'run_records',
  'runs',
  'suppressions',
  'webhook_events',
  'webhook_rejections',
];

describe.each(engines)('openStore (%s)', (engine) => {
  let t: TestStore;
  beforeAll(async () => {
    t = await openTestStore(engine);
  });
  afterAll(async () => {
    await t.cleanup();
  });

  it('reports its engine and answers ping', async () => {
    expect(t.store.engine).toBe(engine);
    await expect(t.store.ping()).resolves.toBeUndefined();
    if (engine === 'sqlite') expect(t.store.location).toBe(path.join(t.dataDir, SQLITE_FILE_NAME));
    else expect(t.store.location).not.toContain(':hub@');
  });

  it('creates every table', async () => {
    // PostgreSQL introspection lists every schema of the database, other tests' (and benches') included
    const schema =
      engine === 'postgres'
        ? (await sql<{ s: string }>`select current_schema() as s`.execute(t.store.db)).rows[0].s
        : undefined;
    const tables = (await t.store.db.introspection.getTables())
      .filter((x) => schema === undefined || x.schema === schema)
      .map((x) => x.name)
      .filter((n) => !n.startsWith('kysely_'));
    expect(tables.sort()).toEqual(TABLES);
  });

  it('runs migrations once: reopening the same database is a no-op', async () => {
    const again = await openStore({ databaseUrl: t.databaseUrl, dataDir: t.dataDir });
    try {
      const rows = await again.db
        .selectFrom(sql<{ name: string }>`kysely_migration`.as('m'))
        .select('m.name')
        .execute();
      // every migration once, in order (the list grows with each one added)
      const names = rows.map((r) => r.name);
      expect(names).toEqual(Object.keys(await migrationProvider.getMigrations()).sort());
      expect(names.slice(0, 3)).toEqual(['0001_initial', '0003_runner', '0004_link_peers_index']);
    } finally {
      await again.close();
    }
  });

  it('migrates a second, separate database next to this one (PostgreSQL: another schema)', async () => {
    const other = await openTestStore(engine);
    try {
      const tables = await other.store.db.introspection.getTables();
      expect(tables.map((x) => x.name)).toContain('connections');
    } finally {
      await other.cleanup();
    }
  });

  it('commits a transaction, and rolls it back when the function throws', async () => {
    await t.store.transaction(async (trx) => {
      await trx.insertInto('meta').values({ key: 'tx:ok', value: '1', updated_at: 1 }).execute();
    });
    await expect(
      t.store.transaction(async (trx) => {
        await trx.insertInto('meta').values({ key: 'tx:rollback', value: '1', updated_at: 1 }).execute();
        throw new Error('boom');
      }),
    ).rejects.toThrow('boom');
    const keys = (
      await t.store.db.selectFrom('meta').select('key').where('key', 'in', ['tx:ok', 'tx:rollback']).execute()
    ).map((r) => r.key);
    expect(keys).toEqual(['tx:ok']);
  });

  it('refuses store.db inside store.transaction instead of hanging', async () => {
    await expect(
      t.store.transaction(async (trx) => {
        await trx.selectFrom('meta').selectAll().execute();
        await t.store.db.selectFrom('meta').selectAll().execute();
      }),
    ).rejects.toBeInstanceOf(TransactionMisuseError);
    await expect(t.store.db.selectFrom('meta').selectAll().execute()).resolves.toEqual(expect.any(Array));
  });

  it('reads bigint epoch milliseconds back as numbers', async () => {
    const at = Date.UTC(2030, 0, 1, 12, 0, 0, 123);
    await t.store.db.insertInto('meta').values({ key: 'time', value: 'x', updated_at: at }).execute();
    const row = await t.store.db
      .selectFrom('meta')
      .select('updated_at')
      .where('key', '=', 'time')
      .executeTakeFirstOrThrow();
    expect(row.updated_at).toBe(at);
    const count = await t.store.db
      .selectFrom('meta')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .executeTakeFirstOrThrow();
    expect(typeof count.n).toBe('number');
  });

  it('enforces foreign keys', async () => {
    await expect(
      t.store.db
        .insertInto('runs')
        .values({
          id: 'run_x',
          flow_id: 'flw_missing',
          status: 'queued',
          trigger: 'manual',
          count_read: 0,
          count_unchanged: 0,
          count_created: 0,
          count_updated: 0,
          count_deleted: 0,
          count_failed: 0,
          count_dead_lettered: 0,
          error_json: null,
          created_at: 1,
          started_at: null,
          finished_at: null,
        })
        .execute(),
    ).rejects.toThrow();
  });

  it('closes idempotently', async () => {
    const extra = await openStore({ databaseUrl: t.databaseUrl, dataDir: t.dataDir });
    await extra.close();
    await extra.close();
    await expect(extra.ping()).rejects.toThrow();
  });
});

describe('openStore (sqlite specifics)', () => {
  it('uses WAL, foreign keys and a busy timeout on the file database', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'hub-store-'));
    const store = await openStore({ dataDir: path.join(dir, 'nested', 'data') });
    try {
      const pragma = async (name: string) => {
        const result = await sql.raw<Record<string, unknown>>(`pragma ${name}`).execute(store.db);
        return Object.values(result.rows[0])[0];
      };
      expect(await pragma('journal_mode')).toBe('wal');
      expect(await pragma('foreign_keys')).toBe(1);
      expect(await pragma('busy_timeout')).toBe(5000);
      expect(fs.existsSync(path.join(dir, 'nested', 'data', SQLITE_FILE_NAME))).toBe(true);
    } finally {
      await store.close();
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  it('supports an in-memory database', async () => {
    const store = await openStore({ databaseUrl: ':memory:', dataDir: '/nonexistent' });
    expect(store.location).toBe(':memory:');
    await store.ping();
    await store.close();
  });

  it('refuses a database URL it does not know', async () => {
    await expect(openStore({ databaseUrl: 'mysql://x', dataDir: os.tmpdir() })).rejects.toThrow(ConfigError);
  });

  it('says which PostgreSQL it cannot reach, without the password', async () => {
    const error = await openStore({ databaseUrl: 'postgres://u:hunter2@127.0.0.1:1/db', dataDir: os.tmpdir() }).catch(
      (e: Error) => e,
    );
    expect(error).toBeInstanceOf(Error);
    expect((error as Error).message).toMatch(/cannot reach PostgreSQL at postgres:\/\/u:\*\*\*@127\.0\.0\.1:1\/db/);
    expect((error as Error).message).not.toContain('hunter2');
  });
});
