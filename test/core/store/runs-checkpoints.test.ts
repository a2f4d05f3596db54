import { CheckpointsRepo, FlowsRepo, RunsRepo, StoreNotFoundError } from '../../../core/store';
import { engines, openTestStore, type TestStore } from '../../helpers/postgres';

describe.each(engines)('RunsRepo and CheckpointsRepo (%s)', (engine) => {
  let t: TestStore;
  let runs: RunsRepo;
  let checkpoints: CheckpointsRepo;
  let flowId: string;

  beforeAll(async () => {
    t = await openTestStore(engine);
    runs = new RunsRepo(t.store.db);
    checkpoints = new CheckpointsRepo(t.store.db);
    flowId = (await new FlowsRepo(t.store.db).create({ name: 'f', definition: {} })).id;
  });
  afterAll(async () => {
    await t.cleanup();
  });

  it('creates a run, starts it, counts it and finishes it', async () => {
    const run = await runs.create({ flowId, trigger: 'manual' }, 1000);
    expect(run).toMatchObject({ flowId, status: 'queued', trigger: 'manual', createdAt: 1000 });
    expect(run.counts).toEqual({
      read: 0,
      unchanged: 0,
      created: 0,
      updated: 0,
      deleted: 0,
      failed: 0,
      deadLettered: 0,
    });
    await runs.start(run.id, 1100);
    await Promise.all([
      runs.addCounts(run.id, { read: 100, created: 60, unchanged: 30 }),
      runs.addCounts(run.id, { read: 50, failed: 2, deadLettered: 2 }),
    ]);
    await runs.addCounts(run.id, {});
    await runs.finish(run.id, { status: 'partial', error: { kind: 'permanent', message: '2 records failed' } }, 1200);
    expect(await runs.get(run.id)).toEqual({
      ...run,
      status: 'partial',
      counts: { read: 150, unchanged: 30, created: 60, updated: 0, deleted: 0, failed: 2, deadLettered: 2 },
      error: { kind: 'permanent', message: '2 records failed' },
      startedAt: 1100,
      finishedAt: 1200,
    });
    await expect(runs.start('run_missing')).rejects.toBeInstanceOf(StoreNotFoundError);
    await expect(runs.finish('run_missing', { status: 'failed' })).rejects.toBeInstanceOf(StoreNotFoundError);
  });

  it('lists runs newest first with filters and paging', async () => {
    const second = await runs.create({ flowId, trigger: 'schedule', status: 'running' }, 2000);
    expect(second.startedAt).toBe(2000);
    const third = await runs.create({ flowId, trigger: 'webhook' }, 3000);
    const all = await runs.list({ flowId });
    expect(all.map((r) => r.createdAt)).toEqual([3000, 2000, 1000]);
    expect((await runs.list({ status: 'running' })).map((r) => r.id)).toEqual([second.id]);
    expect((await runs.list({ flowId, limit: 1 })).map((r) => r.id)).toEqual([third.id]);
    expect((await runs.list({ flowId, before: third.id })).map((r) => r.createdAt)).toEqual([2000, 1000]);
  });

  it('records per-record failures of a run', async () => {
    const run = await runs.create({ flowId, trigger: 'manual' });
    const many = Array.from({ length: 620 }, (_, i) => ({
      recordKey: `r${i}`,
      reason: 'invalid email',
      failureKind: 'permanent',
      field: 'email',
    }));
    await runs.recordFailures(run.id, many);
    await runs.recordFailures(run.id, []);
    const page = await runs.failures(run.id, { limit: 1000 });
    expect(page).toHaveLength(620);
    expect(page[0]).toMatchObject({ runId: run.id, reason: 'invalid email', failureKind: 'permanent', field: 'email' });
    expect(await runs.failures(run.id, { limit: 10, offset: 615 })).toHaveLength(5);
  });

  it('stores checkpoints per flow and stream', async () => {
    expect(await checkpoints.get(flowId, 'contacts')).toBeUndefined();
    await checkpoints.set(flowId, 'contacts', { cursor: 'abc', phase: 'initial' }, 10);
    await checkpoints.set(flowId, 'contacts', { cursor: 'def', phase: 'incremental' }, 20);
    await checkpoints.set(flowId, 'orders', 42, 30);
    expect(await checkpoints.get(flowId, 'contacts')).toEqual({ cursor: 'def', phase: 'incremental' });
    expect(await checkpoints.list(flowId)).toEqual([
      { stream: 'contacts', value: { cursor: 'def', phase: 'incremental' }, updatedAt: 20 },
      { stream: 'orders', value: 42, updatedAt: 30 },
    ]);
    expect(await checkpoints.clear(flowId, 'orders')).toBe(1);
    expect(await checkpoints.get(flowId, 'orders')).toBeUndefined();
  });

  it('advances a checkpoint atomically with the records before it', async () => {
    const [latest] = await runs.list({ flowId, limit: 1 });
    await expect(
      t.store.transaction(async (trx) => {
        await new RunsRepo(trx).addCounts(latest.id, { read: 1 });
        await new CheckpointsRepo(trx).set(flowId, 'contacts', { cursor: 'lost' });
        throw new Error('crash before commit');
      }),
    ).rejects.toThrow('crash');
    expect(await checkpoints.get(flowId, 'contacts')).toEqual({ cursor: 'def', phase: 'incremental' });
    expect((await runs.get(latest.id))?.counts.read).toBe(latest.counts.read);
  });

  it('removes runs and checkpoints with their flow', async () => {
    await new FlowsRepo(t.store.db).delete(flowId);
    expect(await runs.list({ flowId })).toEqual([]);
    expect(await checkpoints.list(flowId)).toEqual([]);
  });
});
