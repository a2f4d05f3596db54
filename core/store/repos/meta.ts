import type { Kysely } from 'kysely';
import type { Database } from '../schema';

/** Small key/value facts about the store itself (e.g. the vault's key checks). */
export class MetaRepo {
  constructor(private readonly db: Kysely<Database>) {}

  async get(key: string): Promise<string | undefined> {
    const row = await this.db.selectFrom('meta').select('value').where('key', '=', key).executeTakeFirst();
    return row?.value;
  }

  async set(key: string, value: string, now: number = Date.now()): Promise<void> {
    await this.db
      .insertInto('meta')
      .values({ key, value, updated_at: now })
      .onConflict((oc) => oc.column('key').doUpdateSet({ value, updated_at: now }))
      .execute();
  }

  async delete(key: string): Promise<void> {
    await this.db.deleteFrom('meta').where('key', '=', key).execute();
  }

  /**
   * Every entry whose key starts with `prefix`. The table is tiny, so it is filtered here: a LIKE pattern would
   * treat `_` as a wildcard and range comparisons depend on the PostgreSQL collation.
   */
  async list(prefix: string): Promise<Array<{ key: string; value: string }>> {
    const rows = await this.db.selectFrom('meta').select(['key', 'value']).execute();
    return rows.filter((r) => r.key.startsWith(prefix)).sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
  }
}
