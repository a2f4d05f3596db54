import { CONTACT_MAPPING, createHarness, maxInWindow, seed, type Harness } from './harness';

describe('429 storm', () => {
  let h: Harness;
  afterEach(async () => {
    await h.close();
  });

  it('pauses only the limited connection, uses no retry attempt, stays in budget and completes', async () => {
    h = await createHarness({ workerConcurrency: 2 });
    const budget = { rateBudget: { requests: 3, intervalMs: 200 }, concurrency: 1 };
    const a = await h.connector('a', { pageSize: 4 });
    const b = await h.connector('b', { policy: { ...budget, maxBatchSize: { upsertContacts: 2 } } });
    const c = await h.connector('c', { pageSize: 4 });
    const d = await h.connector('d', { policy: budget });
    seed(a, 8, 'a');
    seed(c, 4, 'c');
    await h.mapping('contact', CONTACT_MAPPING);
    // maxAttempts 1: had a 429 used an attempt, its records would be dead-lettered at once
    await h.flow({ name: 'a-to-b', options: { maxAttempts: 1 } });
    await h.flow({
      name: 'c-to-d',
      source: { connection: 'c', stream: 'contacts' },
      target: { connection: 'd', action: 'upsertContacts' },
    });

    // the destination answers 429 "retry after 2 s" twice in a row
    b.faults.rateLimitWrites = 2;
    b.faults.rateLimitMs = 2000;
    const slow = await h.runner.startRun('a-to-b', 'manual');
    while (!b.calls.some((call) => call.answer === 'RateLimitedError')) await new Promise((r) => setTimeout(r, 5));

    const fast = await h.run('c-to-d');
    // the other connection's flow finished while the limited connection is still paused
    expect(fast.status).toBe('succeeded');
    expect(fast.counts.created).toBe(4);
    expect(await h.budget.pausedUntil(b.connectionId)).toBeDefined();
    expect(await h.budget.pausedUntil(d.connectionId)).toBeUndefined();
    expect((await h.repos.runs.get(slow.runId))?.status).toBe('running');

    const done = await h.waitForRun(slow.runId);
    expect(done.status).toBe('succeeded');
    expect(done.counts).toMatchObject({ read: 8, created: 8, failed: 0, deadLettered: 0 });
    expect(await h.repos.deadLetters.count({ flowId: done.flowId })).toBe(0);
    expect([...b.writesById.values()]).toEqual(Array(8).fill(1));

    const answers = b.calls.filter((call) => call.kind === 'write').map((call) => call.answer);
    expect(answers.slice(0, 2)).toEqual(['RateLimitedError', 'RateLimitedError']);
    expect(answers.slice(2).every((answer) => answer === 'ok')).toBe(true);
    // the pause was honoured: every accepted write came after every write of the other connection
    const firstAccepted = b.accepted('write')[0].at;
    expect(d.accepted('write').every((call) => call.at <= firstAccepted)).toBe(true);
    // never more than the budget in any window, counting the refused calls too
    expect(
      maxInWindow(
        b.calls.map((call) => call.at),
        200,
      ),
    ).toBeLessThanOrEqual(3);
    expect(
      maxInWindow(
        d.calls.map((call) => call.at),
        200,
      ),
    ).toBeLessThanOrEqual(3);
    // 429 waits are pauses of the budget, not backoff sleeps
    expect(h.sleeps).toEqual([]);
  });
});
