import { sql } from 'kysely';
import { MIN_ROWS, plannerStatisticsFor } from '../../../core/store/planner-statistics';
import { FIND_MANY_PG } from '../../../core/store/repos/record-links-pg';
import { createHarness, seed, type Harness } from '../runner/harness';
import { engines } from '../../helpers/postgres';

/**
 * A first sync on PostgreSQL fills record_links faster than autovacuum analyses it. Without statistics the
 * planner looked a page's links up by (link_group, connection_id) alone and filtered every link of the connection
 * by external id: each page of a first run slower than the one before. After a run through the runner, the page
 * look-up (the query the repository sends: RecordLinksRepo.findMany) must use the whole unique key.
 */
const postgres = engines.includes('postgres');

/** Every "Index Cond" of a plan (EXPLAIN FORMAT JSON), and whether a node filters rows it read. */
function conditions(plan: Record<string, unknown>): { index: string[]; filters: string[] } {
  const index: string[] = [];
  const filters: string[] = [];
  const visit = (node: Record<string, unknown>) => {
    if (typeof node['Index Cond'] === 'string') index.push(node['Index Cond']);
    if (typeof node.Filter === 'string') filters.push(node.Filter);
    for (const child of (node.Plans as Record<string, unknown>[] | undefined) ?? []) visit(child);
  };
  visit(plan);
  return { index, filters };
}

(postgres ? describe : describe.skip)('planner statistics on PostgreSQL (HUB_TEST_DATABASE_URL)', () => {
  let h: Harness;
  afterEach(async () => {
    await h.close();
  });

  it('after a first run, a page of links is found by its whole key, not by scanning the connection', async () => {
    h = await createHarness({ engine: 'postgres' });
    const a = await h.connector('a', { pageSize: 500 });
    await h.connector('b');
    const n = 1.5 * MIN_ROWS;
    seed(a, n);
    await h.mapping('contact', '{ "email": email, "name": name }');
    await h.flow({ name: 'a-to-b' });
    const run = await h.run('a-to-b');
    expect(run.counts).toMatchObject({ read: n, created: n, failed: 0 });

    const db = h.store.db;
    // the last analysis may still be under way (the run does not wait for it)
    await plannerStatisticsFor(db)?.settle();
    const { rows: stats } = await sql<{ n: number }>`
      select reltuples as n from pg_class where oid = to_regclass('record_links')`.execute(db);
    // analysed during the run (never analysed: -1), so the planner knows the table's size
    expect(Number(stats[0]!.n)).toBeGreaterThan(MIN_ROWS);

    const sample = await db
      .selectFrom('record_links')
      .select(['link_group', 'connection_id', 'external_id'])
      .where('external_id', 'like', 'a%')
      .limit(500)
      .execute();
    expect(sample).toHaveLength(500);
    const plan = async (ids: string[] | undefined) => {
      let query = db
        .selectFrom('record_links')
        .selectAll()
        .where('link_group', '=', sample[0]!.link_group)
        .where('connection_id', '=', sample[0]!.connection_id);
      if (ids !== undefined) query = query.where('external_id', 'in', ids);
      const compiled = query.compile();
      const explained = await db.executeQuery<{ 'QUERY PLAN': Array<{ Plan: Record<string, unknown> }> }>({
        ...compiled,
        sql: `explain (format json) ${compiled.sql}`,
      });
      return explained.rows[0]!['QUERY PLAN'][0]!.Plan;
    };
    // the planner knows how many links the connection holds (with no statistics it assumed one, and walked them all
    // through the index's leading columns, filtering by external id)
    expect(Number((await plan(undefined))['Plan Rows'])).toBeGreaterThan(n / 2);
    // and the page's look-up either uses the whole key or, on a table this small, reads it once: never the
    // connection's links through an index, filtered by external id. The Kysely query, and the statement
    // RecordLinksRepo.findMany sends (prepared: PostgreSQL plans it per call for five calls, then may keep a
    // generic plan, so both)
    const ids = sample.map((row) => row.external_id);
    const prepared = (mode: string) =>
      h.store.transaction(async (trx) => {
        await sql.raw(`set local plan_cache_mode = ${mode}`).execute(trx);
        await sql.raw(`prepare hub_test_lookup as ${FIND_MANY_PG.text}`).execute(trx);
        const explained = await sql<{ 'QUERY PLAN': Array<{ Plan: Record<string, unknown> }> }>`
          explain (format json) execute hub_test_lookup(${sql.lit(sample[0]!.link_group)},
            ${sql.lit(sample[0]!.connection_id)}, ${sql.lit(`{${ids.join(',')}}`)})`.execute(trx);
        await sql`deallocate hub_test_lookup`.execute(trx);
        return explained.rows[0]!['QUERY PLAN'][0]!.Plan;
      });
    for (const lookup of [await plan(ids), await prepared('force_custom_plan'), await prepared('force_generic_plan')]) {
      const { index, filters } = conditions(lookup);
      if (index.length > 0) {
        expect(index.join(' ')).toContain('external_id');
        expect(filters.join(' ')).not.toContain('external_id');
      }
    }
    expect(Number((await plan(ids))['Plan Rows'])).toBeGreaterThan(100);
  });
});
