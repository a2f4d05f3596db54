import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { randomBytes } from 'node:crypto';
import { Client } from 'pg';
import { openStore, type Store, type StoreEngine } from '../../core/store';

/**
 * Which engines the store integration suite runs on. SQLite always; PostgreSQL when HUB_TEST_DATABASE_URL is
 * set. In CI (CI=true) a missing HUB_TEST_DATABASE_URL fails the suite instead of silently skipping PostgreSQL.
 */
export const pgUrl: string | undefined = process.env.HUB_TEST_DATABASE_URL || undefined;

const inCi = ['true', '1', 'yes'].includes((process.env.CI ?? '').toLowerCase());
if (inCi && !pgUrl) {
  throw new Error(
    'HUB_TEST_DATABASE_URL is not set but CI=true: the store suite must run on PostgreSQL in CI ' +
      '(e.g. HUB_TEST_DATABASE_URL=postgres://hub:hub@127.0.0.1:5432/hub_test)',
  );
}

export const engines: StoreEngine[] = pgUrl ? ['sqlite', 'postgres'] : ['sqlite'];

export interface TestDatabase {
  engine: StoreEngine;
  /** Pass to openStore; undefined for SQLite (the file lives in `dataDir`). */
  databaseUrl: string | undefined;
  /** A fresh temporary folder. */
  dataDir: string;
  /** Drops the PostgreSQL schema and removes the folder. */
  drop(): Promise<void>;
}

async function withClient<T>(fn: (client: Client) => Promise<T>): Promise<T> {
  const client = new Client({ connectionString: pgUrl });
  await client.connect();
  try {
    return await fn(client);
  } finally {
    await client.end();
  }
}

/**
 * A fresh, isolated database: SQLite gets a new temporary folder; PostgreSQL gets a new random schema, selected
 * through `options=-c search_path=<schema>` in the URL, dropped (cascade) by `drop()`.
 */
export async function createTestDatabase(engine: StoreEngine): Promise<TestDatabase> {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'hub-store-'));
  const removeDir = () => fs.rmSync(dataDir, { recursive: true, force: true });
  if (engine === 'sqlite') return { engine, databaseUrl: undefined, dataDir, drop: async () => removeDir() };
  if (!pgUrl) throw new Error('HUB_TEST_DATABASE_URL is not set');
  const schema = `hub_test_${randomBytes(6).toString('hex')}`;
  await withClient((client) => client.query(`create schema "${schema}"`));
  const url = new URL(pgUrl);
  url.searchParams.set('options', `-c search_path=${schema}`);
  return {
    engine,
    databaseUrl: url.toString(),
    dataDir,
    drop: async () => {
      await withClient((client) => client.query(`drop schema if exists "${schema}" cascade`));
      removeDir();
    },
  };
}

export interface TestStore extends TestDatabase {
  store: Store;
  /** Closes the store and drops the database. */
  cleanup(): Promise<void>;
}

/** A migrated store on a fresh database of the given engine. */
export async function openTestStore(engine: StoreEngine): Promise<TestStore> {
  const database = await createTestDatabase(engine);
  let store: Store;
  try {
    store = await openStore({ databaseUrl: database.databaseUrl, dataDir: database.dataDir, poolSize: 4 });
  } catch (error) {
    await database.drop();
    throw error;
  }
  return {
    ...database,
    store,
    cleanup: async () => {
      await store.close();
      await database.drop();
    },
  };
}
