import pino from 'pino';
import { createHubMetrics } from '../../../core/observability';
import { createMemoryBudget } from '../../../core/runner/budget';
import { resolveDeps } from '../../../core/runner/core';
import { reapOrphanedRuns, runJobId } from '../../../core/runner/reaper';
import { RUN_QUEUE } from '../../../core/runner/runner-port';
import { CONTACT_MAPPING, createHarness, seed, type Harness } from '../runner/harness';

/**
 * The orphan reaper: a run left `running` with no job behind it (its job was lost — Redis lost its data — and its
 * owner died) is found by a worker within a bounded time, enqueued again and finished from its checkpoint; the
 * count shows in /metrics. The BullMQ path (FLUSHALL with the owner killed) is in test/integration/fencing.test.ts.
 */
describe('orphan reaper', () => {
  let h: Harness;
  afterEach(async () => {
    await h.close();
  });

  it('re-enqueues a running run whose job is gone; it finishes from its checkpoint, counted in /metrics', async () => {
    const metrics = createHubMetrics({ defaultMetrics: false });
    h = await createHarness({ deps: { leaseMs: 200, reaperIntervalMs: 100, metrics: metrics.runner } });
    const a = await h.connector('a', { pageSize: 2 });
    const b = await h.connector('b');
    seed(a, 6);
    await h.mapping('contact', CONTACT_MAPPING);
    const flow = await h.flow({ name: 'a-to-b' });

    // a run its dead owner left running, with its job lost: the queue has nothing for it
    const run = await h.repos.runs.create({ flowId: flow.id, trigger: 'manual' });
    await h.repos.runs.activate(run.id, Date.now() - 60_000, Date.now() - 60_000);
    expect(await h.store.db.selectFrom('jobs').selectAll().execute()).toEqual([]);

    const done = await h.waitForRun(run.id, 20_000);
    expect(done.status).toBe('succeeded');
    expect(done.counts).toMatchObject({ read: 6, created: 6 });
    expect(b.records.size).toBe(6);
    const { body } = await metrics.render();
    expect(body).toMatch(/^hub_orphaned_runs_requeued_total 1$/m);
  });

  it('leaves alone a stale-looking run whose job still exists (waiting or delayed)', async () => {
    h = await createHarness({ deps: { reaperIntervalMs: 0 } });
    await h.connector('a');
    await h.connector('b');
    await h.mapping('contact', CONTACT_MAPPING);
    const flow = await h.flow({ name: 'a-to-b' });
    const run = await h.repos.runs.create({ flowId: flow.id, trigger: 'manual' }, Date.now() - 60_000);
    const core = resolveDeps({
      store: h.store,
      repos: h.repos,
      connectors: { get: () => undefined as never },
      queue: h.queue,
      budget: createMemoryBudget(),
      logger: pino({ level: 'silent' }),
      leaseMs: 200,
    });
    // its job waits (delayed): enqueueing again changes nothing, nothing is counted
    await h.queue.enqueue(RUN_QUEUE, { runId: run.id, flowId: flow.id }, { jobId: runJobId(run.id), delayMs: 60_000 });
    expect(await reapOrphanedRuns(core)).toBe(0);
    // the job is lost: the next pass enqueues it again
    await h.store.db.deleteFrom('jobs').execute();
    expect(await reapOrphanedRuns(core)).toBe(1);
    expect(await h.store.db.selectFrom('jobs').select('id').execute()).toEqual([{ id: runJobId(run.id) }]);
  });
});
