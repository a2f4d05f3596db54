import { MAX_COALESCED_RECORDS, PageCoalescer } from '../../../core/runner/coalesce';
import { AuthError } from '../../../core/sdk';
import { CONTACT_MAPPING, createHarness, seed, type Harness } from './harness';

/**
 * Small source pages are merged into full target batches (core/runner/coalesce.ts): a HubSpot page of 100 no longer
 * means a Mailchimp batch of 100 when Mailchimp takes 500. The checkpoint of a merged unit is saved only once all its
 * records are recorded.
 */
describe('small source pages merged into full target batches', () => {
  let h: Harness;
  afterEach(async () => {
    await h.close();
  });

  async function setup(records: number, options: { batchSize: number; concurrency?: number }) {
    h = await createHarness();
    const a = await h.connector('a', { pageSize: 2 });
    const b = await h.connector('b');
    seed(a, records);
    await h.mapping('contact', CONTACT_MAPPING);
    const flow = await h.flow({ name: 'a-to-b', options });
    return { a, b, flow };
  }

  const writes = (b: { calls: { kind: string; ids: string[] }[] }) => b.calls.filter((c) => c.kind === 'write');

  it('pages of 2 become batches of 10: 25 records in 3 write calls, each record once, checkpoint at the end', async () => {
    const { a, b, flow } = await setup(25, { batchSize: 10 });
    const run = await h.run('a-to-b');
    expect(run.status).toBe('succeeded');
    expect(run.counts).toMatchObject({ read: 25, created: 25 });
    expect(writes(b).map((c) => c.ids.length)).toEqual([10, 10, 5]);
    expect([...b.writesById.values()]).toEqual(Array(25).fill(1));
    expect(await h.repos.checkpoints.get(flow.id, 'contacts')).toEqual({ updatedAt: a.get('a25')?.updatedAt });
  });

  it('with concurrency 2 a unit holds two batches, sent side by side', async () => {
    const { b } = await setup(20, { batchSize: 5, concurrency: 2 });
    const run = await h.run('a-to-b');
    expect(run.counts).toMatchObject({ read: 20, created: 20 });
    expect(writes(b).map((c) => c.ids.length)).toEqual([5, 5, 5, 5]);
  });

  it('a failure inside a merged unit keeps the previous unit’s checkpoint; the rerun writes the rest once', async () => {
    const { a, b, flow } = await setup(25, { batchSize: 10 });
    b.faults.beforeWrite = (records) => {
      if (records.some((r) => r.email === 'person15@example.com')) throw new AuthError('token expired');
    };
    const failed = await h.run('a-to-b');
    expect(failed.status).toBe('failed');
    expect(failed.counts).toMatchObject({ created: 10 });
    // the first unit (a1…a10) is recorded with its checkpoint; nothing of the second is
    expect(await h.repos.checkpoints.get(flow.id, 'contacts')).toEqual({ updatedAt: a.get('a10')?.updatedAt });

    b.faults.beforeWrite = undefined;
    const rerun = await h.run('a-to-b');
    expect(rerun.status).toBe('succeeded');
    expect(b.records.size).toBe(25);
    expect([...b.writesById.values()]).toEqual(Array(25).fill(1));
    expect(await h.repos.checkpoints.get(flow.id, 'contacts')).toEqual({ updatedAt: a.get('a25')?.updatedAt });
  });
});

describe('PageCoalescer.thresholdFor', () => {
  it('is a whole number of batches: as many as the concurrency keeps in flight, within the cap, at least one', () => {
    expect(PageCoalescer.thresholdFor(500, 4)).toBe(2_000);
    expect(PageCoalescer.thresholdFor(2_000, 4)).toBe(4_000); // not 5,000: a 1,000 tail batch would waste a request
    expect(PageCoalescer.thresholdFor(10_000, 4)).toBe(10_000); // one batch even above the cap
    expect(PageCoalescer.thresholdFor(100, 1)).toBe(100);
    expect(PageCoalescer.thresholdFor(1, 64)).toBe(64);
    expect(PageCoalescer.thresholdFor(500, 64)).toBe(MAX_COALESCED_RECORDS);
  });
});
