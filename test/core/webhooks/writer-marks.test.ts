import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Vault, generateVaultKey } from '../../../core/security/vault';
import { ConnectionsRepo, WebhookEventsRepo, openStore, type RecordBatch, type Store } from '../../../core/store';
import { SqliteEventWriter } from '../../../core/webhooks';

/**
 * The webhook trigger's "mark processed" on the SQLite writer thread (SqliteEventWriter.markProcessed): it rides
 * in the transaction of the next group of deliveries, or goes alone once the writer is idle; it resolves only once
 * committed, and a transaction that fails takes it down with its group (the events stay pending for a later pass).
 */
describe('SqliteEventWriter.markProcessed', () => {
  let dir: string;
  let store: Store;
  let repo: WebhookEventsRepo;
  let writer: SqliteEventWriter;
  let connectionId: string;

  const batch = (...ids: string[]): RecordBatch => ({ connectionId, events: ids.map((id) => ({ id, type: 't' })) });
  const pending = async () => (await repo.pending(connectionId, 1000)).map((e) => e.eventId).sort();
  const rowIds = async (...eventIds: string[]) =>
    (await repo.pending(connectionId, 1000)).filter((e) => eventIds.includes(e.eventId)).map((e) => e.id);

  beforeEach(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'hub-writer-marks-'));
    store = await openStore({ dataDir: dir });
    repo = new WebhookEventsRepo(store.db);
    const connections = new ConnectionsRepo(store.db, new Vault([generateVaultKey()]));
    connectionId = (await connections.create({ name: 'source', connectorId: 'webhook-test', settings: {} })).id;
    writer = new SqliteEventWriter(store.location);
  });
  afterEach(async () => {
    await writer.close();
    await store.close();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('marks alone when the writer is idle, and counts only events still pending', async () => {
    await writer.recordBatches([batch('a1', 'a2', 'a3')]);
    const ids = await rowIds('a1', 'a2');
    expect(ids).toHaveLength(2);
    // the trigger reads the ids only: the same rows as `pending`, in the same order
    expect(await repo.pendingIds(connectionId)).toEqual((await repo.pending(connectionId)).map((e) => e.id));
    expect(await repo.pendingIds(connectionId, 1)).toEqual([(await repo.pending(connectionId))[0].id]);
    await expect(writer.markProcessed(ids)).resolves.toBe(2);
    expect(await pending()).toEqual(['a3']);
    await expect(writer.markProcessed(ids)).resolves.toBe(0);
    await expect(writer.markProcessed([])).resolves.toBe(0);
  });

  it('rides in the next group: marks asked for while a group is in flight commit with the group sent next', async () => {
    await writer.recordBatches([batch('b1', 'b2')]);
    const ids = await rowIds('b1', 'b2');
    const first = writer.recordBatches([batch('b3')]);
    const marked = writer.markProcessed(ids);
    const second = writer.recordBatches([batch('b4')]);
    await expect(Promise.all([first, marked, second])).resolves.toEqual([
      [{ accepted: ['b3'], duplicates: [] }],
      2,
      [{ accepted: ['b4'], duplicates: [] }],
    ]);
    expect(await pending()).toEqual(['b3', 'b4']);
  });

  it('is rolled back with a group that cannot be committed: its events stay pending, a later mark takes them', async () => {
    await writer.recordBatches([batch('c1')]);
    const ids = await rowIds('c1');
    const first = writer.recordBatches([batch('c2')]);
    const marked = writer.markProcessed(ids);
    // an unknown connection breaks the foreign key: the whole transaction, marks included, is rolled back
    const broken = writer.recordBatches([{ connectionId: 'con_gone', events: [{ id: 'x', type: 't' }] }]);
    await expect(first).resolves.toEqual([{ accepted: ['c2'], duplicates: [] }]);
    await expect(broken).rejects.toThrow(/^webhook events not recorded/);
    await expect(marked).rejects.toThrow(/^webhook events not recorded/);
    expect(await pending()).toEqual(['c1', 'c2']);
    await expect(writer.markProcessed(ids)).resolves.toBe(1);
    expect(await pending()).toEqual(['c2']);
  });

  it('goes alone after the group in flight when no other group comes', async () => {
    await writer.recordBatches([batch('d1')]);
    const ids = await rowIds('d1');
    const inFlight = writer.recordBatches([batch('d2')]);
    const marked = writer.markProcessed(ids);
    await inFlight;
    await expect(marked).resolves.toBe(1);
    expect(await pending()).toEqual(['d2']);
  });

  it('a closed writer refuses marks, and marks waiting when it closes are refused', async () => {
    await writer.recordBatches([batch('e1')]);
    const ids = await rowIds('e1');
    const refused = expect(writer.markProcessed(ids)).rejects.toThrow('the webhook event writer is closed');
    await writer.close();
    await refused;
    await expect(writer.markProcessed(ids)).rejects.toThrow('the webhook event writer is closed');
    expect(await pending()).toEqual(['e1']);
  });
});
