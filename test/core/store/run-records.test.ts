import { FlowsRepo, RunRecordsRepo, RunsRepo } from '../../../core/store';
import { engines, openTestStore, type TestStore } from '../../helpers/postgres';

describe.each(engines)('RunRecordsRepo (%s)', (engine) => {
  let t: TestStore;
  let runs: RunsRepo;
  let flowId: string;

  beforeAll(async () => {
    t = await openTestStore(engine);
    runs = new RunsRepo(t.store.db);
    flowId = (await new FlowsRepo(t.store.db).create({ name: 'f', definition: {} })).id;
  });
  afterAll(async () => {
    await t.cleanup();
  });

  it('keeps the first records of each outcome, counts all of them, and lists them in order', async () => {
    const run = await runs.create({ flowId, trigger: 'manual' }, 1000);
    const repo = new RunRecordsRepo(t.store.db, 3); // a cap of 3 per outcome
    await repo.add(
      run.id,
      [
        { outcome: 'created', recordKey: 'c1', label: 'a@x.io' },
        { outcome: 'held', recordKey: 'h1', label: 'b@x.io', reason: 'no marketing consent' },
        { outcome: 'created', recordKey: 'c2' },
      ],
      2000,
    );
    // two batches at once (two writers of one run): numbered without collisions, capped per outcome
    await Promise.all([
      repo.add(run.id, [
        { outcome: 'created', recordKey: 'c3' },
        { outcome: 'created', recordKey: 'c4' },
      ]),
      repo.add(run.id, [{ outcome: 'failed', recordKey: 'f1', reason: 'refused', field: '/email' }]),
    ]);
    await repo.add(run.id, []);
    expect(await repo.totals(run.id)).toEqual({ created: 4, updated: 0, held: 1, failed: 1, review: 0 });
    const all = await repo.list(run.id);
    expect(all.map((r) => [r.outcome, r.seq])).toEqual([
      ['created', 1],
      ['created', 2],
      ['created', 3],
      ['failed', 1],
      ['held', 1],
    ]);
    expect(all[0]).toEqual({
      runId: run.id,
      outcome: 'created',
      seq: 1,
      recordKey: 'c1',
      label: 'a@x.io',
      createdAt: 2000,
    });
    expect(all.find((r) => r.outcome === 'held')).toMatchObject({ recordKey: 'h1', reason: 'no marketing consent' });
    expect(all.find((r) => r.outcome === 'failed')).toMatchObject({ recordKey: 'f1', field: '/email' });
    // paging and the outcome filter
    const page = await repo.list(run.id, { limit: 2, after: { outcome: 'created', seq: 2 } });
    expect(page.map((r) => [r.outcome, r.seq])).toEqual([
      ['created', 3],
      ['failed', 1],
    ]);
    expect((await repo.list(run.id, { outcome: 'held' })).map((r) => r.recordKey)).toEqual(['h1']);
    // totals of several runs in one query; a run without records is absent
    const quiet = await runs.create({ flowId, trigger: 'manual' }, 3000);
    const totals = await repo.totalsOf([run.id, quiet.id]);
    expect(totals.get(run.id)?.created).toBe(4);
    expect(totals.has(quiet.id)).toBe(false);
    expect(await repo.totals(quiet.id)).toEqual({ created: 0, updated: 0, held: 0, failed: 0, review: 0 });
  });
});
