import { CONTACT_MAPPING, createHarness, seed, type Harness } from './harness';

/**
 * The runner reads ahead: the next page is requested while the current one is written and recorded, and with merged
 * pages up to the next unit's worth of records (core/runner/reader.ts, ReadAhead).
 */
describe('read-ahead', () => {
  let h: Harness;
  afterEach(async () => {
    await h.close();
  });

  it('page 2 is already read while page 1 is being written; every record still written once, in order', async () => {
    h = await createHarness();
    const a = await h.connector('a', { pageSize: 2 });
    const b = await h.connector('b');
    seed(a, 6);
    await h.mapping('contact', CONTACT_MAPPING);
    await h.flow({ name: 'a-to-b', options: { batchSize: 2 } });
    const readsAtWrite: number[] = [];
    const reads = () => a.calls.filter((c) => c.kind === 'read').length;
    b.faults.beforeWrite = async (_records, call) => {
      // while this write is in flight, wait (up to 5 s) for the read-ahead of the next page to be served; without
      // read-ahead the reader waits for this write, the count never moves and the assertion below fails
      const want = Math.min(call + 1, 3);
      for (let waited = 0; reads() < want && waited < 5_000; waited += 5)
        await new Promise((resolve) => setTimeout(resolve, 5));
      readsAtWrite.push(reads());
    };
    const run = await h.run('a-to-b');
    expect(run.status).toBe('succeeded');
    expect(run.counts).toMatchObject({ read: 6, created: 6 });
    // while page n is written, page n + 1 has been read (the last write: nothing more to read)
    expect(readsAtWrite).toEqual([2, 3, 3]);
    expect(writesOf(b)).toEqual([
      ['person1@example.com', 'person2@example.com'],
      ['person3@example.com', 'person4@example.com'],
      ['person5@example.com', 'person6@example.com'],
    ]);
  });

  it('pages merged into units: the read goes on up to the next unit while a unit is written', async () => {
    h = await createHarness();
    const a = await h.connector('a', { pageSize: 2 });
    const b = await h.connector('b');
    seed(a, 8);
    await h.mapping('contact', CONTACT_MAPPING);
    // batches of 2, two in flight: units of 4 records (two source pages), so the reader may hold two pages ahead
    await h.flow({ name: 'a-to-b', options: { batchSize: 2, concurrency: 2 } });
    const reads = () => a.calls.filter((c) => c.kind === 'read').length;
    const readsAtFirstWrite: number[] = [];
    b.faults.beforeWrite = async (_records, call) => {
      if (call !== 1) return;
      // while the first unit (pages 1–2) is written, wait (up to 5 s) for pages 3 and 4; with one page of read-ahead
      // only page 3 is read meanwhile, the count stays at 3 and the assertion below fails
      for (let waited = 0; reads() < 4 && waited < 5_000; waited += 5)
        await new Promise((resolve) => setTimeout(resolve, 5));
      readsAtFirstWrite.push(reads());
    };
    const run = await h.run('a-to-b');
    expect(run.status).toBe('succeeded');
    expect(run.counts).toMatchObject({ read: 8, created: 8 });
    expect(readsAtFirstWrite).toEqual([4]);
    expect([...b.writesById.values()]).toEqual(Array(8).fill(1));
    expect(writesOf(b).flat()).toHaveLength(8);
  });

  it('a read that fails on the page read ahead restarts after the last page received; nothing lost or repeated', async () => {
    h = await createHarness();
    const a = await h.connector('a', { pageSize: 2 });
    const b = await h.connector('b');
    seed(a, 6);
    await h.mapping('contact', CONTACT_MAPPING);
    await h.flow({ name: 'a-to-b', options: { batchSize: 2, maxAttempts: 3 } });
    a.faults.failReadAfterPages = 2;
    b.faults.beforeWrite = (_records, call) => {
      if (call === 2) a.faults.failReadAfterPages = undefined;
    };
    const run = await h.run('a-to-b');
    expect(run.status).toBe('succeeded');
    expect(run.counts).toMatchObject({ created: 6 });
    expect([...b.writesById.values()]).toEqual(Array(6).fill(1));
  });
});

function writesOf(b: { calls: { kind: string; sent: unknown }[] }): string[][] {
  return b.calls.filter((c) => c.kind === 'write').map((c) => (c.sent as { email: string }[]).map((r) => r.email));
}
