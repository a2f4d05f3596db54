import { ConnectionsRepo, DeadLettersRepo, FlowsRepo, RecordLinksRepo, RunsRepo } from '../../../core/store';
import { Vault, generateVaultKey } from '../../../core/security/vault';
import { engines, openTestStore, type TestStore } from '../../helpers/postgres';

/** The repository methods added for the flow runner (migration 0003_runner). */
describe.each(engines)('runner additions to the repositories (%s)', (engine) => {
  let t: TestStore;
  let links: RecordLinksRepo;
  let crm: string;
  let mail: string;
  let flowId: string;

  beforeAll(async () => {
    t = await openTestStore(engine);
    links = new RecordLinksRepo(t.store.db);
    const connections = new ConnectionsRepo(t.store.db, new Vault([generateVaultKey()]));
    crm = (await connections.create({ name: 'crm', connectorId: 'x', settings: {} })).id;
    mail = (await connections.create({ name: 'mail', connectorId: 'x', settings: {} })).id;
    flowId = (await new FlowsRepo(t.store.db).create({ name: 'f', definition: {} })).id;
  });
  afterAll(async () => {
    await t.cleanup();
  });

  it('keeps written fields, per-field read hashes and the last run that saw a record', async () => {
    await links.save(
      {
        linkGroup: 'g',
        entity: 'contact',
        connectionId: crm,
        externalId: 'c1',
        entityId: 'ent_1',
        lastWrittenFields: ['email', 'name'],
        lastReadFields: { email: 'h1', name: 'h2' },
        lastSeenRunId: 'run_1',
      },
      1000,
    );
    expect(await links.find('g', { connectionId: crm, externalId: 'c1' })).toMatchObject({
      lastWrittenFields: ['email', 'name'],
      lastReadFields: { email: 'h1', name: 'h2' },
      lastSeenRunId: 'run_1',
      createdAt: 1000,
    });
    // undefined keeps, null clears
    await links.save(
      { linkGroup: 'g', entity: 'contact', connectionId: crm, externalId: 'c1', lastWrittenFields: null },
      2000,
    );
    const after = await links.find('g', { connectionId: crm, externalId: 'c1' });
    expect(after?.lastWrittenFields).toBeUndefined();
    expect(after?.lastSeenRunId).toBe('run_1');
  });

  it('finds the peers of many entities in one connection, and the unseen source links with a live peer', async () => {
    for (const [i, seen] of [
      [2, 'run_2'],
      [3, 'run_1'],
      [4, null],
    ] as const) {
      await links.save({
        linkGroup: 'g',
        entity: 'contact',
        connectionId: crm,
        externalId: `c${i}`,
        entityId: `ent_${i}`,
        lastSeenRunId: seen,
      });
      await links.save({
        linkGroup: 'g',
        entity: 'contact',
        connectionId: mail,
        externalId: `m${i}`,
        entityId: `ent_${i}`,
      });
    }
    await links.save({ linkGroup: 'g', entity: 'contact', connectionId: mail, externalId: 'm4', deletedAt: 5 });
    const peers = await links.findPeersIn('g', ['ent_2', 'ent_3', 'ent_4', 'ent_x'], mail);
    expect([...peers.keys()].sort()).toEqual(['ent_2', 'ent_3']);
    expect(peers.get('ent_2')?.externalId).toBe('m2');

    const unseen = await links.unseenWithPeer('g', crm, mail, 'run_2');
    expect(unseen.map((p) => [p.source.externalId, p.peer.externalId])).toEqual([['c3', 'm3']]);
    const page = await links.unseenWithPeer('g', crm, mail, 'run_9', { limit: 1 });
    expect(page).toHaveLength(1);
    const next = await links.unseenWithPeer('g', crm, mail, 'run_9', { after: page[0].source.id });
    expect([...page, ...next].map((p) => p.source.externalId)).toEqual(['c2', 'c3']);
  });

  it('lists active runs and updates a pending dead letter that failed again', async () => {
    const runs = new RunsRepo(t.store.db);
    const queued = await runs.create({ flowId, trigger: 'manual' }, 1);
    const done = await runs.create({ flowId, trigger: 'manual', status: 'running' }, 2);
    await runs.finish(done.id, { status: 'succeeded' });
    expect((await runs.active(flowId)).map((r) => r.id)).toEqual([queued.id]);

    const letters = new DeadLettersRepo(t.store.db);
    const [a, b] = await letters.addMany([
      { flowId, recordKey: 'k1', reason: 'old', failureKind: 'permanent', source: { id: 1 } },
      { flowId, recordKey: 'k2', reason: 'old', failureKind: 'permanent' },
    ]);
    expect(
      await letters.recordRetry(a.id, {
        reason: 'new',
        failureKind: 'mapping',
        field: '/email',
        mappingVersion: '2',
        runId: queued.id,
        payload: { x: 1 },
      }),
    ).toBe(true);
    expect(await letters.get(a.id)).toMatchObject({
      reason: 'new',
      failureKind: 'mapping',
      field: '/email',
      mappingVersion: '2',
      runId: queued.id,
      payload: { x: 1 },
      source: { id: 1 },
      status: 'pending',
    });
    await letters.markReplayed([b.id]);
    expect(await letters.recordRetry(b.id, { reason: 'x', failureKind: 'permanent' })).toBe(false);
    expect((await letters.getMany([b.id, a.id, 'dlq_nope'])).map((l) => l.id).sort()).toEqual([a.id, b.id].sort());
  });
});
