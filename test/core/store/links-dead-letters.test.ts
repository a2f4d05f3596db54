import { ConnectionsRepo, DeadLettersRepo, FlowsRepo, RecordLinksRepo, SuppressionsRepo } from '../../../core/store';
import { Vault, generateVaultKey } from '../../../core/security/vault';
import { rawSqliteFor } from '../../../core/store/raw-sqlite';
import { CLOSE_DELIVERED_SQL } from '../../../core/store/repos/dead-letters';
import { engines, openTestStore, type TestStore } from '../../helpers/postgres';

describe.each(engines)('RecordLinksRepo (%s)', (engine) => {
  let t: TestStore;
  let links: RecordLinksRepo;
  let crm: string;
  let mail: string;

  beforeAll(async () => {
    t = await openTestStore(engine);
    links = new RecordLinksRepo(t.store.db);
    const connections = new ConnectionsRepo(t.store.db, new Vault([generateVaultKey()]));
    crm = (await connections.create({ name: 'crm', connectorId: 'hubspot', settings: {} })).id;
    mail = (await connections.create({ name: 'mail', connectorId: 'mailchimp', settings: {} })).id;
  });
  afterAll(async () => {
    await t.cleanup();
  });

  it('links a source record to the target record it was written to', async () => {
    const { source, target } = await links.link(
      'crm-mail',
      'contact',
      { connectionId: crm, externalId: 'h1', lastReadHash: 'r1', sourceModifiedAt: 100 },
      { connectionId: mail, externalId: 'm1', lastWrittenHash: 'w1' },
      1000,
    );
    expect(source.entityId).toBe(target.entityId);
    expect(source.entityId).toMatch(/^ent_/);
    expect(source).toMatchObject({
      linkGroup: 'crm-mail',
      entity: 'contact',
      lastReadHash: 'r1',
      sourceModifiedAt: 100,
      createdAt: 1000,
    });
    expect(target).toMatchObject({ connectionId: mail, externalId: 'm1', lastWrittenHash: 'w1' });
    expect(target.lastReadHash).toBeUndefined();

    const peer = await links.peerIn('crm-mail', { connectionId: crm, externalId: 'h1' }, mail);
    expect(peer?.externalId).toBe('m1');
    expect(await links.peerIn('crm-mail', { connectionId: crm, externalId: 'nope' }, mail)).toBeUndefined();
    expect((await links.peers('crm-mail', source.entityId)).map((l) => l.externalId).sort()).toEqual(['h1', 'm1']);
  });

  it('updates only the given fields of an existing link, keeping its entity', async () => {
    const before = await links.find('crm-mail', { connectionId: mail, externalId: 'm1' });
    const after = await links.upsert(
      { linkGroup: 'crm-mail', entity: 'contact', connectionId: mail, externalId: 'm1', lastWrittenHash: 'w2' },
      2000,
    );
    expect(after).toMatchObject({
      id: before?.id,
      entityId: before?.entityId,
      lastWrittenHash: 'w2',
      createdAt: 1000,
      updatedAt: 2000,
    });
    const cleared = await links.upsert({
      linkGroup: 'crm-mail',
      entity: 'contact',
      connectionId: mail,
      externalId: 'm1',
      lastWrittenHash: null,
      deletedAt: 3000,
    });
    expect(cleared.lastWrittenHash).toBeUndefined();
    expect(cleared.deletedAt).toBe(3000);
  });

  it('keeps link groups apart and finds many links at once', async () => {
    await links.upsert({ linkGroup: 'other', entity: 'contact', connectionId: mail, externalId: 'm1' });
    const ids = Array.from({ length: 1200 }, (_, i) => `bulk-${i}`);
    await t.store.transaction(async (trx) => {
      const inTrx = new RecordLinksRepo(trx);
      for (const id of ids.slice(0, 700))
        await inTrx.upsert({
          linkGroup: 'crm-mail',
          entity: 'contact',
          connectionId: crm,
          externalId: id,
          lastReadHash: id,
        });
    });
    const found = await links.findMany('crm-mail', crm, [...ids, 'h1', 'h1']);
    expect(found.size).toBe(701);
    expect(found.get('bulk-699')?.lastReadHash).toBe('bulk-699');
    expect(found.has('bulk-700')).toBe(false);
    expect((await links.findMany('other', mail, ['m1'])).get('m1')?.entityId).not.toBe(
      (await links.find('crm-mail', { connectionId: mail, externalId: 'm1' }))?.entityId,
    );
  });

  it('deletes one link or a whole entity', async () => {
    const h1 = await links.find('crm-mail', { connectionId: crm, externalId: 'h1' });
    expect(await links.delete('crm-mail', { connectionId: crm, externalId: 'bulk-0' })).toBe(true);
    expect(await links.deleteEntity('crm-mail', h1!.entityId)).toBe(2);
    expect(await links.find('crm-mail', { connectionId: mail, externalId: 'm1' })).toBeUndefined();
    expect(await links.find('other', { connectionId: mail, externalId: 'm1' })).toBeDefined();
  });
});

describe.each(engines)('DeadLettersRepo and SuppressionsRepo (%s)', (engine) => {
  let t: TestStore;
  let letters: DeadLettersRepo;
  let flowId: string;

  beforeAll(async () => {
    t = await openTestStore(engine);
    letters = new DeadLettersRepo(t.store.db);
    flowId = (await new FlowsRepo(t.store.db).create({ name: 'f', definition: {} })).id;
  });
  afterAll(async () => {
    await t.cleanup();
  });

  it('records failures with the source record and the refused payload', async () => {
    const entry = await letters.add(
      {
        flowId,
        runId: 'run_1',
        recordKey: 'c-1',
        reason: 'Invalid email address',
        failureKind: 'permanent',
        field: 'email_address',
        source: { email: 'bad@', name: 'Ann' },
        payload: { email_address: 'bad@' },
        mappingVersion: '1.0.0',
      },
      1000,
    );
    expect(entry).toMatchObject({ status: 'pending', recordKey: 'c-1', field: 'email_address', createdAt: 1000 });
    expect(await letters.get(entry.id)).toEqual(entry);
    const batch = await letters.addMany(
      Array.from({ length: 3 }, (_, i) => ({
        flowId,
        recordKey: `k${i}`,
        reason: 'mapping failed',
        failureKind: 'mapping',
        source: { i },
      })),
      2000,
    );
    expect(batch).toHaveLength(3);
    expect(batch[0].payload).toBeUndefined();
    expect(batch[0].runId).toBeUndefined();
  });

  it('lists, counts and pages newest first', async () => {
    expect(await letters.count({ flowId, status: 'pending' })).toBe(4);
    const all = await letters.list({ flowId });
    expect(all.map((l) => l.createdAt)).toEqual([2000, 2000, 2000, 1000]);
    expect((await letters.list({ recordKey: 'c-1' })).map((l) => l.reason)).toEqual(['Invalid email address']);
    expect(await letters.list({ flowId, before: all[2].id })).toEqual([all[3]]);
  });

  it('marks entries replayed or discarded once', async () => {
    const [a, b, c] = await letters.list({ flowId, limit: 3 });
    expect(await letters.markReplayed([a.id, b.id], 3000)).toBe(2);
    expect(await letters.markReplayed([a.id], 3001)).toBe(0);
    expect(await letters.markDiscarded([c.id, a.id], 3002)).toBe(1);
    expect(await letters.get(a.id)).toMatchObject({ status: 'replayed', replayedAt: 3000 });
    expect(await letters.get(c.id)).toMatchObject({ status: 'discarded', discardedAt: 3002 });
    expect(await letters.count({ status: 'pending' })).toBe(1);
  });

  it('erases every entry of a record', async () => {
    expect(await letters.deleteByRecordKeys(['c-1', 'k0'])).toBe(2);
    expect(await letters.list({ recordKey: 'c-1' })).toEqual([]);
  });

  it('keeps suppressions as hashes, idempotently', async () => {
    const suppressions = new SuppressionsRepo(t.store.db);
    await suppressions.add({ identifierHash: 'h-a', kind: 'email', reason: 'gdpr erasure' }, 10);
    await suppressions.add({ identifierHash: 'h-a', kind: 'email', reason: 'again' }, 20);
    await suppressions.add({ identifierHash: 'h-b', kind: 'phone', reason: 'gdpr erasure' }, 30);
    expect(await suppressions.suppressed(['h-a', 'h-c', 'h-b', 'h-a'])).toEqual(new Set(['h-a', 'h-b']));
    expect(await suppressions.isSuppressed('h-c')).toBe(false);
    const list = await suppressions.list();
    expect(list.map((s) => [s.identifierHash, s.reason])).toEqual([
      ['h-b', 'gdpr erasure'],
      ['h-a', 'gdpr erasure'],
    ]);
  });
});

describe.each(engines)('DeadLettersRepo.closeDelivered (%s)', (engine) => {
  let t: TestStore;
  let letters: DeadLettersRepo;

  beforeAll(async () => {
    t = await openTestStore(engine);
    letters = new DeadLettersRepo(t.store.db);
  });
  afterAll(async () => {
    await t.cleanup();
  });

  it('closes the open entries of delivered records only, found by record key however many are open', async () => {
    const flow = (await new FlowsRepo(t.store.db).create({ name: 'close-delivered', definition: {} })).id;
    await letters.addMany(
      Array.from({ length: 300 }, (_, i) => ({
        flowId: flow,
        runId: 'run_1',
        recordKey: `k${i}`,
        reason: 'refused',
        failureKind: 'permanent',
        source: { i },
      })),
    );
    await t.store.transaction(async (tx) => {
      expect(await new DeadLettersRepo(tx).closeDelivered(flow, ['k1', 'k2', 'k2', 'k299', 'unknown'], 5000)).toBe(3);
    });
    expect(await letters.count({ flowId: flow, status: 'pending' })).toBe(297);
    expect(await letters.count({ flowId: flow, status: 'replayed' })).toBe(3);
    if (engine === 'sqlite') {
      // SQLite's planner chose the (flow_id, status) index and checked every open entry of the flow per page
      const raw = rawSqliteFor(t.store.db)?.raw;
      const plan = raw?.prepare(`explain query plan ${CLOSE_DELIVERED_SQL}`).all(1, flow, '["k1"]') ?? [];
      expect(plan.map((row) => String(row.detail)).join('\n')).toMatch(/USING INDEX dead_letters_record_idx/);
    }
  });
});
