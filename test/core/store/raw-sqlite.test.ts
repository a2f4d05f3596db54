import { ConnectionsRepo, RecordLinksRepo, type LinkUpsert } from '../../../core/store';
import { rawSqliteFor } from '../../../core/store/raw-sqlite';
import { toLink } from '../../../core/store/repos/record-links-rows';
import { Vault, generateVaultKey } from '../../../core/security/vault';
import { openTestStore, type TestStore } from '../../helpers/postgres';

/**
 * The runner's link statements on SQLite bypass Kysely (core/store/raw-sqlite.ts) on the one connection: they must
 * behave as the Kysely path does with transactions (atomic, isolated from readers outside) and fall back to it
 * whenever the connection is not in the state the caller assumes.
 */
describe('raw SQLite link statements', () => {
  let t: TestStore;
  let crm: string;
  beforeAll(async () => {
    t = await openTestStore('sqlite');
    const connections = new ConnectionsRepo(t.store.db, new Vault([generateVaultKey()]));
    crm = (await connections.create({ name: 'crm', connectorId: 'hubspot', settings: {} })).id;
  });
  afterAll(async () => {
    await t.cleanup();
  });

  const link = (linkGroup: string, externalId: string, extra: Partial<LinkUpsert> = {}): LinkUpsert => ({
    linkGroup,
    entity: 'contact',
    connectionId: crm,
    externalId,
    ...extra,
  });

  it('are used under the store and inside its transactions, never under a transaction that has ended', async () => {
    expect(rawSqliteFor(t.store.db)).toBeDefined();
    let trx: object | undefined;
    await t.store.transaction(async (tx) => {
      trx = tx;
      expect(rawSqliteFor(tx)).toBeDefined();
      // the store's own handle while a transaction is open: Kysely's path (which waits, or is refused)
      expect(rawSqliteFor(t.store.db)).toBeUndefined();
    });
    expect(rawSqliteFor(trx!)).toBeUndefined();
  });

  it('writes inside a transaction that rolls back leave nothing; a reader outside never sees them', async () => {
    const outside = new RecordLinksRepo(t.store.db);
    let release!: () => void;
    const gate = new Promise<void>((resolve) => (release = resolve));
    let written!: () => void;
    const saved = new Promise<void>((resolve) => (written = resolve));
    const transaction = t.store.transaction(async (tx) => {
      const inside = new RecordLinksRepo(tx);
      await inside.saveMany([link('g1', 'a', { lastReadHash: 'h1' }), link('g1', 'b', { lastReadHash: 'h2' })]);
      expect((await inside.findMany('g1', crm, ['a', 'b'])).size).toBe(2);
      written();
      await gate;
      throw new Error('roll back');
    });
    await saved;
    // a read through the store while the transaction is open waits for it (Kysely's path): answered after it
    let seenOutside: number | undefined;
    const reading = outside.findMany('g1', crm, ['a', 'b']).then((found) => (seenOutside = found.size));
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(seenOutside).toBeUndefined();
    release();
    await expect(transaction).rejects.toThrow('roll back');
    await reading;
    expect(seenOutside).toBe(0);
    expect((await outside.findMany('g1', crm, ['a', 'b'])).size).toBe(0);
  });

  it('upserts keep what a save leaves undefined and clear what it sets to null, as the Kysely path does', async () => {
    const repo = new RecordLinksRepo(t.store.db);
    await t.store.transaction(async (tx) =>
      new RecordLinksRepo(tx).saveMany(
        [link('g2', 'a', { lastReadHash: 'r1', lastWrittenHash: 'w1', lastReadFields: { email: 'x' } })],
        1000,
      ),
    );
    await t.store.transaction(async (tx) =>
      new RecordLinksRepo(tx).saveMany([link('g2', 'a', { lastReadHash: 'r2', lastWrittenHash: null })], 2000),
    );
    const found = (await repo.findMany('g2', crm, ['a'])).get('a');
    expect(found).toMatchObject({
      lastReadHash: 'r2',
      lastReadFields: { email: 'x' },
      createdAt: 1000,
      updatedAt: 2000,
    });
    expect(found?.lastWrittenHash).toBeUndefined();
    const peers = await repo.findByEntities('g2', [found!.entityId], [crm]);
    expect(peers.map((p) => p.externalId)).toEqual(['a']);
  });

  it('read every column of a link as the Kysely path does (rows as arrays, in column order)', async () => {
    const repo = new RecordLinksRepo(t.store.db);
    const full = link('g3', 'a', {
      entityId: 'ent_full',
      lastWrittenHash: 'w',
      lastReadHash: 'r',
      sourceModifiedAt: 123,
      deletedAt: 456,
      lastWrittenFields: ['email'],
      lastReadFields: { email: 'e' },
      lastSeenRunId: 'run_1',
      duplicateOf: 'b',
    });
    await t.store.transaction(async (tx) => new RecordLinksRepo(tx).saveMany([full, link('g3', 'c')], 5000));
    const rows = await t.store.db.selectFrom('record_links').selectAll().where('link_group', '=', 'g3').execute();
    const expected = new Map(rows.map((row) => [row.external_id, toLink(row)]));
    const found = await repo.findMany('g3', crm, ['a', 'c']);
    expect(found.get('a')).toEqual(expected.get('a'));
    expect(found.get('c')).toEqual(expected.get('c'));
    expect(found.get('a')).toMatchObject({
      sourceModifiedAt: 123,
      deletedAt: 456,
      duplicateOf: 'b',
      lastSeenRunId: 'run_1',
    });
    // the peer lookup leaves deleted links out
    const peers = await repo.findByEntities('g3', ['ent_full', found.get('c')!.entityId], [crm]);
    expect(peers).toEqual([expected.get('c')]);
  });
});
