import { RetryableError, type ConnectorDefinition, type Refetched } from '../../../core/sdk';
import { fetchCursorKey } from '../../../core/runner/webhook-fetch';
import { CONTACT_MAPPING, createHarness, type Harness } from './harness';

/**
 * Webhook events that name their record without carrying it (`WebhookDefinition.fetch`, SDK 1.2): the run of a
 * webhook-triggered flow reads each named record by id through the stream's `refetch` and processes it like a page
 * (the stream is not read); a record the source no longer has is listed as held, never an error that comes back;
 * a failed read is retried in the connection's window, and when it keeps failing the run fails and the events wait
 * for the next run. Flows that are not webhook-triggered do not fetch.
 */
describe('webhook events that name their records', () => {
  let h: Harness;
  afterEach(async () => {
    await h.close();
  });

  interface Vendor {
    people: Map<string, { id: string; email: string; name: string }>;
    reads: number;
    fetched: string[];
    failNext: number;
  }

  async function setup(trigger: 'webhook' | 'schedule' = 'webhook', maxAttempts?: number) {
    h = await createHarness({ deps: { retry: { baseMs: 100, maxMs: 1_000, maxElapsedMs: 30_000 } } });
    const vendor: Vendor = { people: new Map(), reads: 0, fetched: [], failNext: 0 };
    const source: ConnectorDefinition = {
      id: 'named',
      displayName: 'Names its records',
      version: '1.0.0',
      category: 'crm',
      settingsSchema: { type: 'object', properties: { token: { type: 'string', 'x-secret': true } } },
      policy: { rateBudget: { requests: 100, intervalMs: 1000 }, concurrency: 2, retryStatuses: [], retryAfter: [] },
      check: async () => ({ ok: true, message: 'ok' }),
      streams: [
        {
          name: 'contacts',
          recordSchema: { type: 'object' },
          identity: ['id'],
          async *read() {
            vendor.reads += 1;
            yield { records: [...vendor.people.values()], checkpoint: null };
          },
          async refetch({ records }) {
            if (vendor.failNext > 0) {
              vendor.failNext -= 1;
              throw new RetryableError('the vendor timed out', { status: 504 });
            }
            return records.map(({ source }): Refetched => {
              const id = String(source.id);
              vendor.fetched.push(id);
              const person = vendor.people.get(id);
              return person === undefined
                ? { status: 'missing', reason: `no contact ${id}` }
                : { status: 'found', record: { ...person } };
            });
          },
        },
      ],
      actions: [],
      webhooks: [
        {
          name: 'changes',
          stream: 'contacts',
          fetch: true,
          verify: () => true,
          parse: () => [],
        },
      ],
    };
    const connectionId = await h.register('a', source, { token: 'secret-token-a' });
    const b = await h.connector('b');
    await h.mapping('contact', CONTACT_MAPPING);
    const flow = await h.flow({
      name: 'named-to-b',
      trigger: trigger === 'webhook' ? { type: 'webhook' } : { type: 'schedule', cron: '0 * * * *' },
      ...(maxAttempts === undefined ? {} : { options: { maxAttempts } }),
    });
    /** Meta-style delivery: each event names a record by id, without its fields. */
    const deliver = (...ids: string[]) =>
      h.repos.webhookEvents.recordMany(
        connectionId,
        ids.map((id) => ({ id: `evt-${id}`, type: 'changed', stream: 'contacts', record: { id } })),
        { webhook: 'changes' },
      );
    return { vendor, b, flow, deliver };
  }

  const person = (id: string) => ({ id, email: `${id}@example.com`, name: `Person ${id}` });

  it('reads each named record by id and writes it, without reading the stream', async () => {
    const { vendor, b, deliver } = await setup();
    for (const id of ['p1', 'p2', 'p3']) vendor.people.set(id, person(id));
    await deliver('p1', 'p2');
    const run = await h.run('named-to-b', 'webhook');
    expect(run).toMatchObject({ status: 'succeeded', counts: expect.objectContaining({ read: 2, created: 2 }) });
    expect(vendor.fetched).toEqual(['p1', 'p2']);
    expect(vendor.reads).toBe(0);
    expect([...b.records.values()].map((r) => r.email).sort()).toEqual(['p1@example.com', 'p2@example.com']);

    // the next delivery: only the new event is fetched (the flow's own cursor, not the events' processed mark)
    await deliver('p3');
    const next = await h.run('named-to-b', 'webhook');
    expect(next.counts).toMatchObject({ read: 1, created: 1 });
    expect(vendor.fetched).toEqual(['p1', 'p2', 'p3']);
    expect(vendor.reads).toBe(0);
  });

  it('a record the source no longer has is held with the reason, and not asked for again', async () => {
    const { vendor, flow, deliver } = await setup();
    vendor.people.set('p1', person('p1'));
    await deliver('gone', 'p1');
    const run = await h.run('named-to-b', 'webhook');
    expect(run).toMatchObject({ status: 'succeeded' });
    expect(run.counts).toMatchObject({ read: 1, created: 1, failed: 0, deadLettered: 0 });
    expect(await h.repos.runRecords.list(run.id, { outcome: 'held' })).toEqual([
      expect.objectContaining({ recordKey: 'gone', reason: expect.stringContaining('no contact gone') }),
    ]);
    expect(await h.repos.deadLetters.list({ flowId: flow.id })).toEqual([]);
    await deliver('p2');
    await h.run('named-to-b', 'webhook');
    expect(vendor.fetched.filter((id) => id === 'gone')).toHaveLength(1);
  });

  it('a failed read is retried; when it keeps failing the run fails and the next run reads the events again', async () => {
    const { vendor, b, flow, deliver } = await setup('webhook', 2);
    vendor.people.set('p1', person('p1'));
    await deliver('p1');
    vendor.failNext = 1;
    const retried = await h.run('named-to-b', 'webhook');
    expect(retried).toMatchObject({ status: 'succeeded', counts: expect.objectContaining({ created: 1 }) });
    expect(h.sleeps.length).toBeGreaterThanOrEqual(1);

    vendor.people.set('p2', person('p2'));
    await deliver('p2');
    const cursor = await h.repos.checkpoints.get(flow.id, fetchCursorKey('contacts'));
    vendor.failNext = 5;
    const failed = await h.run('named-to-b', 'webhook');
    expect(failed.status).toBe('failed');
    expect(failed.error?.message).toContain('the next run of the flow reads them again');
    expect(await h.repos.checkpoints.get(flow.id, fetchCursorKey('contacts'))).toEqual(cursor);
    expect(b.byEmail('p2@example.com')).toBeUndefined();

    vendor.failNext = 0;
    const again = await h.run('named-to-b', 'webhook');
    expect(again).toMatchObject({ status: 'succeeded', counts: expect.objectContaining({ read: 1, created: 1 }) });
    expect(b.byEmail('p2@example.com')).toBeDefined();
  });

  it('a flow that is not webhook-triggered reads its stream and fetches nothing', async () => {
    const { vendor, deliver } = await setup('schedule');
    vendor.people.set('p1', person('p1'));
    await deliver('p1');
    const run = await h.run('named-to-b', 'schedule');
    expect(run.counts).toMatchObject({ read: 1, created: 1 });
    expect(vendor.fetched).toEqual([]);
    expect(vendor.reads).toBe(1);
  });
});
