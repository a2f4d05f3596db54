import { CONTACT_MAPPING, createHarness, type Harness } from './harness';

/**
 * Matrix row 18, per-record ordering: a later update of a record never overtakes an earlier failed one in the
 * same flow. The rule: the later version supersedes the failure deliberately. Upserts carry the whole record, so
 * writing the newer version delivers everything the failed one had; its open dead letter is then closed (and a
 * still-failing record's entry always holds its latest version), so no replay can send the older version over
 * the newer one. Within a run a record is written once per page and pages go in order.
 */
describe('per-record ordering (matrix row 18)', () => {
  let h: Harness;
  afterEach(async () => {
    await h.close();
  });

  async function setup() {
    h = await createHarness();
    const a = await h.connector('a', { pageSize: 10 });
    const b = await h.connector('b');
    await h.mapping('contact', CONTACT_MAPPING);
    const flow = await h.flow({ name: 'a-to-b', options: { maxAttempts: 2 } });
    a.put({ id: 'a1', email: 'ann@example.com', name: 'Ann v1' });
    return { a, b, flow };
  }

  it('a later version written supersedes the earlier failure: its entry is closed and a replay sends nothing old', async () => {
    const { a, b, flow } = await setup();
    b.faults.retryableFailures.set('ann@example.com', 2); // v1: both attempts fail
    const first = await h.run('a-to-b');
    expect(first.counts).toMatchObject({ deadLettered: 1 });
    const [letter] = await h.repos.deadLetters.list({ flowId: flow.id });
    expect(letter.source).toMatchObject({ name: 'Ann v1' });

    a.change('a1', { name: 'Ann v2' });
    const second = await h.run('a-to-b');
    expect(second.counts).toMatchObject({ created: 1, failed: 0 });
    expect(b.byEmail('ann@example.com')?.name).toBe('Ann v2');
    // superseded: the v1 entry is closed by the v2 write
    expect(await h.repos.deadLetters.get(letter.id)).toMatchObject({ status: 'replayed' });

    // a replay asked for by id sends nothing: v1 can never overtake v2
    const writes = b.calls.filter((c) => c.kind === 'write').length;
    const replay = await h.runner.replayDeadLetters({ ids: [letter.id] });
    expect(replay).toMatchObject({ written: 0 });
    expect(b.calls.filter((c) => c.kind === 'write')).toHaveLength(writes);
    expect(b.byEmail('ann@example.com')?.name).toBe('Ann v2');
  });

  it('a later version that fails too replaces the earlier one in the entry: the replay sends the latest', async () => {
    const { a, b, flow } = await setup();
    b.faults.reject = (record) => (record.email === 'ann@example.com' ? { reason: 'vendor refuses' } : undefined);
    await h.run('a-to-b');
    a.change('a1', { name: 'Ann v2' });
    await h.run('a-to-b');
    const letters = await h.repos.deadLetters.list({ flowId: flow.id });
    expect(letters).toHaveLength(1);
    expect(letters[0]).toMatchObject({ attempts: 2, source: expect.objectContaining({ name: 'Ann v2' }) });

    b.faults.reject = undefined;
    const replay = await h.runner.replayDeadLetters({ flowId: flow.id });
    expect(replay).toMatchObject({ written: 1, stillFailing: [] });
    expect(b.byEmail('ann@example.com')?.name).toBe('Ann v2');
  });
});
