import { CONTACT_MAPPING, createHarness, maxInWindow, seed, type Harness } from './harness';

describe('flow runner: read → compare → map → write → record', () => {
  let h: Harness;
  afterEach(async () => {
    await h.close();
  });

  it('writes every record once, links both ids, and a no-op rerun makes zero write calls', async () => {
    h = await createHarness();
    const a = await h.connector('a', { pageSize: 2 });
    const b = await h.connector('b');
    seed(a, 5);
    await h.mapping('contact', CONTACT_MAPPING);
    const flow = await h.flow({ name: 'a-to-b', options: { batchSize: 2 } });

    const first = await h.run('a-to-b');
    expect(first.status).toBe('succeeded');
    expect(first.counts).toMatchObject({ read: 5, created: 5, updated: 0, failed: 0, deadLettered: 0 });
    expect(b.records.size).toBe(5);
    expect([...b.writesById.values()]).toEqual([1, 1, 1, 1, 1]);
    // batches of min(flow batchSize 2, action max 50)
    expect(b.accepted('write').every((c) => c.ids.length <= 2)).toBe(true);

    const link = await h.repos.recordLinks.peerIn(
      flow.id,
      { connectionId: a.connectionId, externalId: 'a3' },
      b.connectionId,
    );
    expect(link?.externalId).toBe(b.byEmail('person3@example.com')?.id);
    expect(link?.lastWrittenHash).toMatch(/^[0-9a-f]{32}$/);
    expect(await h.repos.checkpoints.get(flow.id, 'contacts')).toEqual({ updatedAt: a.get('a5')?.updatedAt });

    const writeCalls = b.calls.filter((c) => c.kind === 'write').length;
    const second = await h.run('a-to-b');
    expect(second.status).toBe('succeeded');
    // the inclusive cursor re-delivers the record at the checkpoint boundary: recognised by its hash
    expect(second.counts).toMatchObject({ read: 1, unchanged: 1, created: 0, updated: 0 });
    expect(b.calls.filter((c) => c.kind === 'write').length).toBe(writeCalls);
  });

  it('a record changed in the source is written as an update; unchanged records cost nothing', async () => {
    h = await createHarness();
    const a = await h.connector('a', { pageSize: 10 });
    const b = await h.connector('b');
    seed(a, 3);
    await h.mapping('contact', CONTACT_MAPPING);
    await h.flow({ name: 'a-to-b' });
    await h.run('a-to-b');

    a.change('a2', { name: 'Person Two' });
    a.change('a1', { phone: '+100' }); // not mapped: the mapped payload is unchanged
    const run = await h.run('a-to-b');
    expect(run.counts).toMatchObject({ created: 0, updated: 1 });
    expect(b.byEmail('person2@example.com')?.name).toBe('Person Two');
    expect(b.byEmail('person1@example.com')?.phone).toBeUndefined();
    expect(b.writesById.get(b.byEmail('person1@example.com')?.id as string)).toBe(1);
    expect(b.writesById.get(b.byEmail('person2@example.com')?.id as string)).toBe(2);
  });

  it('finds the target record through its link: the linked target id fills identity.target', async () => {
    h = await createHarness();
    const a = await h.connector('a');
    const b = await h.connector('b');
    seed(a, 2);
    await h.mapping('contact', CONTACT_MAPPING);
    await h.flow({ name: 'a-to-b', identity: { source: ['id'], target: 'id' } });
    await h.run('a-to-b');
    const b1 = b.byEmail('person1@example.com')?.id as string;

    // the e-mail address changes: an upsert by e-mail alone would create a second record
    a.change('a1', { email: 'renamed@example.com' });
    const run = await h.run('a-to-b');
    expect(run.counts).toMatchObject({ created: 0, updated: 1 });
    expect(b.records.size).toBe(2);
    expect(b.get(b1)?.email).toBe('renamed@example.com');
    expect(b.accepted('write').at(-1)?.sent).toEqual([{ id: b1, email: 'renamed@example.com', name: 'Person 1' }]);
    // the link remembers the mapped payload (without the filled-in id): a rerun writes nothing
    const writes = b.accepted('write').length;
    await h.run('a-to-b');
    expect(b.accepted('write')).toHaveLength(writes);
  });

  it('startRun keeps one queued or running run per flow', async () => {
    h = await createHarness();
    const a = await h.connector('a');
    const b = await h.connector('b');
    seed(a, 2);
    await h.mapping('contact', CONTACT_MAPPING);
    await h.flow({ name: 'a-to-b' });
    let release!: () => void;
    const gate = new Promise<void>((resolve) => (release = resolve));
    let entered!: () => void;
    const inWrite = new Promise<void>((resolve) => (entered = resolve));
    b.faults.beforeWrite = async () => {
      entered();
      await gate;
    };

    const [first, second] = await Promise.all([
      h.runner.startRun('a-to-b', 'manual'),
      h.runner.startRun('a-to-b', 'schedule'),
    ]);
    expect(second.runId).toBe(first.runId);
    expect([first.created, second.created].sort()).toEqual([false, true]);
    await inWrite;
    expect((await h.repos.runs.get(first.runId))?.status).toBe('running');
    const whileRunning = await h.runner.startRun('a-to-b', 'manual');
    expect(whileRunning).toEqual({ runId: first.runId, created: false });

    release();
    const done = await h.waitForRun(first.runId);
    expect(done.status).toBe('succeeded');
    const again = await h.runner.startRun('a-to-b', 'manual');
    expect(again.created).toBe(true);
    expect(again.runId).not.toBe(first.runId);
    await h.waitForRun(again.runId);
  });

  it('reads and writes go through the connection budgets', async () => {
    h = await createHarness();
    const a = await h.connector('a', {
      pageSize: 1,
      policy: { rateBudget: { requests: 2, intervalMs: 150 }, concurrency: 1 },
    });
    const b = await h.connector('b', {
      policy: { rateBudget: { requests: 2, intervalMs: 150 }, concurrency: 1, maxBatchSize: { upsertContacts: 1 } },
    });
    seed(a, 5);
    await h.mapping('contact', CONTACT_MAPPING);
    await h.flow({ name: 'a-to-b' });
    const run = await h.run('a-to-b');
    expect(run.status).toBe('succeeded');
    const reads = a.calls.filter((c) => c.kind === 'read').map((c) => c.at);
    const writes = b.calls.filter((c) => c.kind === 'write').map((c) => c.at);
    expect(reads.length).toBeGreaterThanOrEqual(5);
    expect(writes.length).toBe(5);
    expect(maxInWindow(reads, 150)).toBeLessThanOrEqual(2);
    expect(maxInWindow(writes, 150)).toBeLessThanOrEqual(2);
  });
});
