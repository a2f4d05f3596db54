import { RetryableError } from '../../../core/sdk';
import { MAY_HAVE_APPLIED, MAY_HAVE_APPLIED_NOT_IDEMPOTENT } from '../../../core/runner/writer';
import { CONTACT_MAPPING, createHarness, seed, type Harness } from './harness';

/**
 * Retries that outlast a blip: retryable failures are retried over the connection's retry window (minutes by
 * default; small here, and the harness scales the waits down), and a lost reply ("applied, then 502") is sent again
 * only because the action is idempotent. The ledger is counted against the writes the vendor applied.
 */
describe('retries over a window, and lost replies', () => {
  let h: Harness;
  afterEach(async () => {
    await h.close();
  });

  const WINDOW = { baseMs: 100, maxMs: 2_000, maxElapsedMs: 30_000 };

  async function setup() {
    h = await createHarness({ deps: { retry: WINDOW } });
    const a = await h.connector('a', { pageSize: 12 });
    const b = await h.connector('b');
    seed(a, 12);
    await h.mapping('contact', CONTACT_MAPPING);
    const flow = await h.flow({ name: 'a-to-b', options: { batchSize: 4 } });
    return { a, b, flow };
  }

  /** The vendor applies every write, then the reply is lost (502) for the next `calls` write calls. */
  function storm(b: Awaited<ReturnType<typeof setup>>['b'], calls: number): { lost: number } {
    const state = { lost: 0 };
    b.faults.afterWrite = () => {
      if (state.lost >= calls) return;
      state.lost += 1;
      throw new RetryableError('502 Bad Gateway', { status: 502 });
    };
    return state;
  }

  it('a lost-reply storm shorter than the retry window leaves no delivered record in the ledger', async () => {
    const { b, flow } = await setup();
    const state = storm(b, 8); // 8 lost replies in a row: more than the old 5 attempts, far less than the window
    const run = await h.run('a-to-b');
    expect(state.lost).toBe(8);
    expect(run).toMatchObject({ status: 'succeeded', counts: expect.objectContaining({ failed: 0, deadLettered: 0 }) });
    // a resent write finds the record the lost reply had created: "updated", one record either way
    expect(run.counts.created + run.counts.updated).toBe(12);
    // every record reached the vendor once as a record (upserts by e-mail: resending changed nothing)
    expect(b.records.size).toBe(12);
    const applied = [...b.writesById.keys()];
    const letters = await h.repos.deadLetters.list({ flowId: flow.id, limit: 1000 });
    const delivered = letters.filter((l) =>
      applied.includes(String(b.byEmail(`person${l.recordKey.slice(1)}@example.com`)?.id)),
    );
    expect(delivered).toEqual([]);
    expect(letters).toEqual([]);
    // the waits grew and stayed inside the window
    expect(h.sleeps.reduce((sum, ms) => sum + ms, 0)).toBeLessThanOrEqual(WINDOW.maxElapsedMs);
    expect(Math.max(...h.sleeps)).toBeGreaterThan(h.sleeps[0]);
  });

  it('a storm longer than the window: applied records are dead-lettered as "may have applied; replay is safe", never "retries exhausted"', async () => {
    const { b, flow } = await setup();
    storm(b, Infinity);
    const run = await h.run('a-to-b');
    expect(run.status).toBe('partial');
    expect(b.records.size).toBe(12); // the vendor applied them all
    const letters = await h.repos.deadLetters.list({ flowId: flow.id, limit: 1000 });
    expect(letters).toHaveLength(12);
    for (const letter of letters) {
      expect(letter.reason).toBe(`${MAY_HAVE_APPLIED}: 502 Bad Gateway`);
      expect(letter.reason).not.toMatch(/retries exhausted/);
    }
    expect(h.sleeps.reduce((sum, ms) => sum + ms, 0)).toBeLessThanOrEqual(WINDOW.maxElapsedMs * 3); // 3 batches

    // replay is safe: the storm is over, the replay upserts by identity, the vendor still has one copy of each
    b.faults.afterWrite = undefined;
    const replay = await h.runner.replayDeadLetters({ flowId: flow.id });
    expect(replay).toMatchObject({ stillFailing: [] });
    expect(b.records.size).toBe(12);
    expect(await h.repos.deadLetters.count({ flowId: flow.id, status: 'pending' })).toBe(0);
  });

  it('a per-record retryable failure still says "retries exhausted" when the window closes', async () => {
    const { b, flow } = await setup();
    b.faults.retryableFailures.set('person3@example.com', 1_000);
    await h.run('a-to-b');
    const [letter] = await h.repos.deadLetters.list({ flowId: flow.id });
    expect(letter).toMatchObject({ recordKey: 'a3', reason: 'retries exhausted: the vendor timed out on this record' });
    // more attempts than the old fixed 5, bounded by the window (not by a count)
    const calls = b.calls.filter((c) => c.kind === 'write' && c.ids.includes('person3@example.com')).length;
    expect(calls).toBeGreaterThan(5);
    expect(h.sleeps.reduce((sum, ms) => sum + ms, 0)).toBeLessThanOrEqual(WINDOW.maxElapsedMs);
  });

  it('a non-idempotent action is not sent again after a lost reply: its records are dead-lettered saying to check', async () => {
    h = await createHarness({ deps: { retry: WINDOW } });
    const a = await h.connector('a', { pageSize: 10 });
    const b = await h.connector('b');
    seed(a, 3);
    const once = {
      ...b.definition,
      id: 'mem-b-once',
      actions: b.definition.actions.map((x) => ({ ...x, idempotent: false })),
    };
    await h.register('orders', once, { token: 'secret-token-orders' });
    await h.mapping('contact', CONTACT_MAPPING);
    const flow = await h.flow({ name: 'a-to-orders', target: { connection: 'orders', action: 'upsertContacts' } });
    storm(b, 1);
    const run = await h.run('a-to-orders');
    expect(run.status).toBe('partial');
    expect(b.calls.filter((c) => c.kind === 'write')).toHaveLength(1); // never re-sent
    const letters = await h.repos.deadLetters.list({ flowId: flow.id });
    expect(letters).toHaveLength(3);
    for (const letter of letters) expect(letter.reason).toBe(`${MAY_HAVE_APPLIED_NOT_IDEMPOTENT}: 502 Bad Gateway`);
  });

  it("the retry window is configurable per connection (its settings' retry block)", async () => {
    h = await createHarness({ deps: { retry: WINDOW } });
    const a = await h.connector('a', { pageSize: 10 });
    const b = await h.connector('b');
    seed(a, 2);
    const impatient = { ...b.definition, id: 'mem-b-impatient' };
    await h.register('impatient', impatient, { token: 't', retry: { maxElapsedMs: 0 } });
    await h.mapping('contact', CONTACT_MAPPING);
    const flow = await h.flow({
      name: 'a-to-impatient',
      target: { connection: 'impatient', action: 'upsertContacts' },
    });
    b.faults.retryableFailures.set('person1@example.com', 3);
    await h.run('a-to-impatient');
    // no wait fits in a window of 0: one attempt, then the ledger
    expect(h.sleeps).toEqual([]);
    expect(await h.repos.deadLetters.list({ flowId: flow.id })).toEqual([
      expect.objectContaining({ recordKey: 'a1', reason: 'retries exhausted: the vendor timed out on this record' }),
    ]);
  });
});
