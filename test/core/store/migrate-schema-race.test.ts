import { randomBytes } from 'node:crypto';
import { sql } from 'kysely';
import { Client } from 'pg';
import { openStore } from '../../../core/store';
import { createTestDatabase, pgUrl } from '../../helpers/postgres';

/**
 * Kysely's migrator introspects every schema of the database (has_schema_privilege() per schema). Other instances or
 * tests creating and dropping their schemas in the same database at that moment made a store's start-up fail with
 * `schema "…" does not exist` (PostgreSQL 3F000), though its own schema was fine: seen once in CI, in a test that
 * only opened a store. The migration is idempotent and is tried again.
 */
(pgUrl ? describe : describe.skip)('store start-up while other schemas come and go (PostgreSQL)', () => {
  it('opens every store though schemas with tables are dropped all the time around it', async () => {
    let churning = true;
    const churn = async () => {
      const client = new Client({ connectionString: pgUrl });
      await client.connect();
      try {
        while (churning) {
          const name = `hub_churn_${randomBytes(5).toString('hex')}`;
          await client.query(`create schema "${name}"`);
          await client.query(`create table "${name}".t (id serial primary key, a text, b text, c text)`);
          await client.query(`drop schema "${name}" cascade`);
        }
      } finally {
        await client.end();
      }
    };
    const churners = [churn(), churn(), churn()];
    const opened: string[] = [];
    try {
      for (let i = 0; i < 6; i++) {
        const database = await createTestDatabase('postgres');
        try {
          const store = await openStore({ databaseUrl: database.databaseUrl, dataDir: database.dataDir, poolSize: 2 });
          try {
            // migrated in its own schema: the tables are there and empty
            const { rows } = await sql<{ n: string }>`select count(*) as n from record_links`.execute(store.db);
            opened.push(rows[0]!.n);
          } finally {
            await store.close();
          }
        } finally {
          await database.drop();
        }
      }
    } finally {
      churning = false;
      await Promise.all(churners);
    }
    expect(opened.map(Number)).toEqual([0, 0, 0, 0, 0, 0]);
  });
});
