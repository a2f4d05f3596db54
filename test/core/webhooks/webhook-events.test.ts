import { sql } from 'kysely';
import { ConnectionsRepo, WebhookEventsRepo } from '../../../core/store';
import { Vault, generateVaultKey } from '../../../core/security/vault';
import { engines, openTestStore, type TestStore } from '../../helpers/postgres';

const event = (id: string) => ({ id, type: 'contact.updated', record: { id: `r-${id}` } });

describe.each(engines)('WebhookEventsRepo (%s)', (engine) => {
  let t: TestStore;
  let repo: WebhookEventsRepo;
  let a: string;
  let b: string;

  beforeAll(async () => {
    t = await openTestStore(engine);
    repo = new WebhookEventsRepo(t.store.db);
    const connections = new ConnectionsRepo(t.store.db, new Vault([generateVaultKey()]));
    a = (await connections.create({ name: 'a', connectorId: 'hubspot', settings: {} })).id;
    b = (await connections.create({ name: 'b', connectorId: 'hubspot', settings: {} })).id;
  });
  afterAll(async () => {
    await t.cleanup();
  });

  it('records new events once and reports redeliveries as duplicates', async () => {
    expect(await repo.recordMany(a, [event('e1'), event('e2')], { webhook: 'crm', now: 1000 })).toEqual({
      accepted: ['e1', 'e2'],
      duplicates: [],
    });
    expect(await repo.recordMany(a, [event('e2'), event('e3'), event('e3')], { now: 2000 })).toEqual({
      accepted: ['e3'],
      duplicates: ['e3', 'e2'], // repeated within the batch, then already recorded
    });
    // the same vendor id on another connection is another event
    expect(await repo.recordMany(b, [event('e1')], { now: 3000 })).toEqual({ accepted: ['e1'], duplicates: [] });
    expect(await repo.recordMany(a, [])).toEqual({ accepted: [], duplicates: [] });
  });

  it('lists pending events oldest first, with the event as parsed', async () => {
    const pending = await repo.pending(a);
    expect(pending.map((e) => e.eventId)).toEqual(['e1', 'e2', 'e3']);
    expect(pending[0]).toMatchObject({
      connectionId: a,
      webhook: 'crm',
      event: event('e1'),
      receivedAt: 1000,
    });
    expect(pending[0].id).toMatch(/^whe_/);
    expect(pending[0].processedAt).toBeUndefined();
    expect((await repo.pending(a, 1)).map((e) => e.eventId)).toEqual(['e1']);
    // the webhook trigger reads the ids alone: the same rows, in the same order
    expect(await repo.pendingIds(a)).toEqual(pending.map((e) => e.id));
    expect(await repo.pendingIds(a, 2)).toEqual(pending.slice(0, 2).map((e) => e.id));
  });

  it('marks events processed, once', async () => {
    const pending = await repo.pending(a);
    expect(await repo.markProcessed([pending[0].id, pending[1].id], 5000)).toBe(2);
    expect(await repo.markProcessed([pending[0].id], 6000)).toBe(0);
    expect((await repo.pending(a)).map((e) => e.eventId)).toEqual(['e3']);
    // a processed event is still remembered: its redelivery stays a duplicate
    expect(await repo.recordMany(a, [event('e1')])).toEqual({ accepted: [], duplicates: ['e1'] });
  });

  it('accepts each event exactly once when the same batch is delivered concurrently', async () => {
    const batch = Array.from({ length: 20 }, (_, i) => event(`c${i}`));
    const results = await Promise.all([repo.recordMany(b, batch), repo.recordMany(b, batch)]);
    expect(results[0].accepted.length + results[1].accepted.length).toBe(20);
    expect(results[0].duplicates.length + results[1].duplicates.length).toBe(20);
  });

  it('records several deliveries at once, the first occurrence of an event winning', async () => {
    const results = await repo.recordBatches([
      { connectionId: a, events: [event('m1'), event('m2')], webhook: 'crm', now: 7000 },
      { connectionId: b, events: [event('m1')], now: 7000 },
      { connectionId: a, events: [event('m2'), event('m3'), event('e1')], now: 7000 },
    ]);
    expect(results).toEqual([
      { accepted: ['m1', 'm2'], duplicates: [] },
      { accepted: ['m1'], duplicates: [] },
      { accepted: ['m3'], duplicates: ['m2', 'e1'] },
    ]);
    expect(await repo.recordBatches([])).toEqual([]);
  });

  it('records large batches in chunks', async () => {
    const batch = Array.from({ length: 1203 }, (_, i) => event(`big${i}`));
    const result = await repo.recordMany(b, [...batch, event('big0')]);
    expect(result.accepted).toHaveLength(1203);
    expect(result.duplicates).toEqual(['big0']);
  });

  it('records a group whole or not at all, across statements (a failing row undoes the chunks before it)', async () => {
    const batch = Array.from({ length: 700 }, (_, i) => event(`g${i}`));
    // the second delivery's connection does not exist: its row breaks the foreign key in the second statement
    await expect(
      repo.recordBatches([
        { connectionId: a, events: batch },
        { connectionId: 'con_missing', events: [event('g-x')] },
      ]),
    ).rejects.toThrow();
    expect((await repo.pending(a, 2000)).filter((e) => e.eventId.startsWith('g'))).toEqual([]);
    // sent again without the broken delivery: all recorded
    const [result] = await repo.recordBatches([{ connectionId: a, events: batch }]);
    expect(result.accepted).toHaveLength(700);
  });
});

describe('pending webhook events on SQLite', () => {
  let t: TestStore;
  beforeAll(async () => {
    t = await openTestStore('sqlite');
  });
  afterAll(async () => {
    await t.cleanup();
  });

  it('finds the pending events through the partial index of pending events, not by reading every event', async () => {
    const plan = await sql<{ detail: string }>`explain query plan select id from webhook_events
      where connection_id = ${'con_1'} and processed_at is null order by received_at, id limit 10000`.execute(
      t.store.db,
    );
    const details = plan.rows.map((r) => r.detail).join('\n');
    expect(details).toContain('webhook_events_pending_idx');
    expect(details).not.toContain('TEMP B-TREE');
  });
});
