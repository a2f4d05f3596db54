import { sql, type Kysely } from 'kysely';
import {
  DeadLettersRepo,
  FlowsRepo,
  RunRecordsRepo,
  RunsRepo,
  UNIDENTIFIED_KEY,
  type NewDeadLetter,
  type NewRunRecord,
} from '../../../core/store';
import type { Database } from '../../../core/store/schema';
import { engines, openTestStore, type TestStore } from '../../helpers/postgres';

/**
 * On PostgreSQL the runner's run records and dead letters go as named prepared statements with rows as arrays
 * (core/store/raw-pg.ts, core/store/repos/run-records.ts, core/store/repos/dead-letters-sql.ts). Through the
 * repositories, against real PostgreSQL, they must leave what the Kysely-built statements leave on the same input.
 */
const postgres = engines.includes('postgres');

(postgres ? describe : describe.skip)('prepared ledger statements on PostgreSQL (HUB_TEST_DATABASE_URL)', () => {
  let t: TestStore;
  let plain: Kysely<Database>;
  let flows: FlowsRepo;
  let runs: RunsRepo;
  let n = 0;

  beforeAll(async () => {
    t = await openTestStore('postgres');
    // a Kysely instance over the same pool that the store did not register: the Kysely-built statements
    plain = t.store.db.withoutPlugins();
    flows = new FlowsRepo(t.store.db);
    runs = new RunsRepo(t.store.db);
  });
  afterAll(async () => {
    await t.cleanup();
  });

  /** Two flows, each with a run: one written through the prepared statements, one through Kysely's. */
  async function twoSides() {
    n += 1;
    const sides = [];
    for (const [label, db] of [
      ['prepared', t.store.db],
      ['kysely', plain],
    ] as const) {
      const flowId = (await flows.create({ name: `${label}-${n}`, definition: {} })).id;
      const runId = (await runs.create({ flowId, trigger: 'manual' }, 1000)).id;
      sides.push({ db, flowId, runId });
    }
    return sides;
  }

  it('run records: the same totals, numbering, cap and stored text as the Kysely statements', async () => {
    const batches: NewRunRecord[][] = [
      [
        { outcome: 'created', recordKey: 'c1', label: 'a@x.io' },
        { outcome: 'held', recordKey: 'h1', label: 'x'.repeat(300), reason: 'no consent' },
        { outcome: 'failed', recordKey: 'f1', reason: 'r'.repeat(1200), field: '/email' },
        { outcome: 'created', recordKey: 'c2' },
      ],
      [
        // past the cap of 3 for 'created'; awkward text for an array literal
        ...['c3', 'c4', 'c5'].map((recordKey) => ({ outcome: 'created' as const, recordKey, label: 'a,"b"\\{c}' })),
        { outcome: 'review', recordKey: 'NULL', label: '' },
        { outcome: 'updated', recordKey: 'u1', reason: 'Bearer sk_live_123456789012345678901234 refused' },
      ],
    ];
    const results = [];
    for (const { db, runId } of await twoSides()) {
      const repo = new RunRecordsRepo(db, 3);
      for (const [i, batch] of batches.entries()) await repo.add(runId, batch, 2000 + i);
      await repo.add(runId, [], 3000);
      const records = (await new RunRecordsRepo(t.store.db).list(runId, { limit: 100 })).map(
        ({ runId: _run, ...rest }) => rest,
      );
      results.push({ totals: await new RunRecordsRepo(t.store.db).totals(runId), records });
    }
    const [viaPrepared, viaKysely] = results;
    expect(viaPrepared?.totals).toEqual({ created: 5, updated: 1, held: 1, failed: 1, review: 1 });
    expect(viaPrepared?.records).toHaveLength(7);
    expect(viaPrepared).toEqual(viaKysely);
  });

  it('dead letters: new entries, failures again (twice in one batch), unidentified records, closing delivered', async () => {
    const results = [];
    for (const { db, flowId, runId } of await twoSides()) {
      const repo = new DeadLettersRepo(db);
      const fail = (recordKey: string, reason: string, extra: Partial<NewDeadLetter> = {}): NewDeadLetter => ({
        flowId,
        runId,
        recordKey,
        reason,
        failureKind: 'validation',
        ...extra,
      });
      await repo.record(
        [
          fail('k1', 'first', { source: { email: 'a@x.io', n: 1 }, payload: { e: 'a' }, mappingVersion: '1.0.0' }),
          fail('k2', 'token sk_live_123456789012345678901234', { field: '/email' }),
          fail('k3', 'third'),
          fail(UNIDENTIFIED_KEY, 'no id', { source: { row: 1 } }),
          fail(UNIDENTIFIED_KEY, 'no id', { source: { row: 2 } }),
        ],
        1000,
      );
      await repo.record(
        [
          // an open entry failed twice in this batch: two attempts, the last failure's fields
          fail('k1', 'again', { source: { email: 'a@x.io', n: 2 } }),
          fail('k1', 'and again', { field: '/name', runId: undefined }),
          fail('k2', 'second time', { payload: ['x', null] }),
          // a new record failed twice in one batch: one entry
          fail('k4', 'new', { source: { q: '"quoted"' } }),
          fail('k4', 'new again'),
          fail(UNIDENTIFIED_KEY, 'no id', { source: { row: 1 } }),
          fail(UNIDENTIFIED_KEY, 'no id', { source: { row: 3 } }),
        ],
        2000,
      );
      const closed = await repo.closeDelivered(flowId, ['k3', 'k3', 'absent', UNIDENTIFIED_KEY], 3000);
      const noneClosed = await repo.closeDelivered(flowId, [], 3000);
      const letters = (await new DeadLettersRepo(t.store.db).list({ flowId, limit: 100 }))
        .map(({ id: _id, flowId: _flow, runId: run, ...rest }) => ({ ...rest, run: run === runId }))
        .sort((a, b) => (JSON.stringify(a) < JSON.stringify(b) ? -1 : 1));
      results.push({ closed, noneClosed, letters });
    }
    const [viaPrepared, viaKysely] = results;
    expect(viaPrepared?.closed).toBe(1);
    expect(viaPrepared?.letters).toHaveLength(7);
    expect(viaPrepared?.letters.find((l) => l.recordKey === 'k1')).toMatchObject({
      attempts: 3,
      reason: 'and again',
      field: '/name',
      lastSeenAt: 2000,
      createdAt: 1000,
      run: false,
    });
    expect(viaPrepared?.letters.find((l) => l.recordKey === 'k2')?.reason).not.toContain('sk_live');
    expect(viaPrepared).toEqual(viaKysely);
  });

  it('looks open dead letters up and closes them by statements planned with their keys, never a generic plan', async () => {
    // without statistics on dead_letters, a generic plan (a prepared statement's after five calls) walked every
    // pending entry of the flow and compared it with every key (188 ms a page at 18,000 entries)
    const [{ flowId, runId }] = await twoSides();
    const prepared = await t.store.transaction(async (trx) => {
      const repo = new DeadLettersRepo(trx);
      const keys = Array.from({ length: 50 }, (_, i) => `k${i}`);
      for (let call = 0; call < 8; call++) {
        const failures = keys.map((recordKey) => ({
          flowId,
          runId,
          recordKey,
          reason: 'r',
          failureKind: 'validation',
        }));
        await repo.record(failures, 1000 + call);
        await repo.closeDelivered(flowId, keys.slice(0, 5), 2000 + call);
      }
      const { rows } = await sql<{ name: string }>`
        select name from pg_prepared_statements where name like 'hub_dead_letters_%'`.execute(trx);
      return rows.map((row) => row.name).sort();
    });
    // inserts and updates by primary key are prepared; the look-up and the close by record key are not
    expect(prepared).toContain('hub_dead_letters_insert');
    expect(prepared).not.toContain('hub_dead_letters_open');
    expect(prepared).not.toContain('hub_dead_letters_close_delivered');
  });
});
