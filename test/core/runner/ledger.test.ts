import { engines } from '../../helpers/postgres';
import { CONTACT_MAPPING, createHarness, seed, type Harness } from './harness';

/**
 * One ledger entry per record: a record that fails on every run keeps one open dead letter whose attempts, last
 * seen time and reason follow it; a record delivered later closes its entry. On SQLite and PostgreSQL.
 */
describe.each(engines)('the dead-letter ledger does not grow by itself (%s)', (engine) => {
  let h: Harness;
  afterEach(async () => {
    await h.close();
  });

  it('2 failing records, 4 runs: 2 ledger rows with 4 attempts each; a later success closes the entry', async () => {
    h = await createHarness({ engine });
    const a = await h.connector('a', { pageSize: 10 });
    const b = await h.connector('b');
    await h.mapping('contact', CONTACT_MAPPING);
    const flow = await h.flow({ name: 'a-to-b' });
    seed(a, 4);
    let refusing = new Set(['person2@example.com', 'person3@example.com']);
    b.faults.reject = (record) =>
      refusing.has(String(record.email)) ? { reason: `refused ${String(record.name)}` } : undefined;

    for (let run = 1; run <= 4; run++) {
      // the failing records change at the source between runs, so every run reads them again and fails them again
      if (run > 1) for (const id of ['a2', 'a3']) a.change(id, { name: `Person ${id} v${run}` });
      const result = await h.run('a-to-b');
      expect(result.counts).toMatchObject({ failed: 2, deadLettered: 2 });
    }
    const letters = await h.repos.deadLetters.list({ flowId: flow.id });
    expect(letters.map((l) => [l.recordKey, l.status, l.attempts]).sort()).toEqual([
      ['a2', 'pending', 4],
      ['a3', 'pending', 4],
    ]);
    const a2 = letters.find((l) => l.recordKey === 'a2')!;
    expect(a2.reason).toBe('refused Person a2 v4'); // the last reason
    expect(a2.source).toMatchObject({ name: 'Person a2 v4' }); // the latest version of the record
    expect(a2.lastSeenAt).toBeGreaterThan(a2.createdAt);
    expect(await h.repos.deadLetters.count({ flowId: flow.id })).toBe(2);

    // a2 is accepted now: the next run that reads it delivers it and closes its entry; a3 still fails
    refusing = new Set(['person3@example.com']);
    a.change('a2', { name: 'Person a2 v5' });
    a.change('a3', { name: 'Person a3 v5' });
    const after = await h.run('a-to-b');
    expect(after.counts).toMatchObject({ updated: 0, created: 1, failed: 1 });
    const closed = await h.repos.deadLetters.get(a2.id);
    expect(closed).toMatchObject({ status: 'replayed' });
    expect(await h.repos.deadLetters.list({ flowId: flow.id, status: 'pending' })).toEqual([
      expect.objectContaining({ recordKey: 'a3', attempts: 5 }),
    ]);

    // when a3 fails again after its entry was closed by hand, it opens a new one
    await h.repos.deadLetters.markDiscarded(
      (await h.repos.deadLetters.list({ flowId: flow.id, status: 'pending' })).map((l) => l.id),
    );
    a.change('a3', { name: 'Person a3 v6' });
    await h.run('a-to-b');
    expect(await h.repos.deadLetters.list({ flowId: flow.id, status: 'pending' })).toEqual([
      expect.objectContaining({ recordKey: 'a3', attempts: 1 }),
    ]);
  });

  it('records without an identity keep one entry per distinct source record', async () => {
    h = await createHarness({ engine });
    const a = await h.connector('a', { pageSize: 10 });
    await h.connector('b');
    await h.mapping('contact', CONTACT_MAPPING);
    const flow = await h.flow({ name: 'a-to-b', identity: { source: ['email'] } });
    // both at the newest time: the inclusive cursor reads them again on every run, as they are
    const at = h.clock.now() + 60_000;
    a.put({ id: 'x1', name: 'No address', updatedAt: at });
    a.put({ id: 'x2', name: 'No address either', updatedAt: at });
    for (let run = 1; run <= 3; run++) await h.run('a-to-b');
    const letters = await h.repos.deadLetters.list({ flowId: flow.id });
    expect(letters).toHaveLength(2);
    expect(letters.map((l) => l.attempts)).toEqual([3, 3]);
  });
});
