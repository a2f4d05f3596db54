import { sql } from 'kysely';
import { ConnectionsRepo, RecordLinksRepo, type LinkUpsert } from '../../../core/store';
import { UPSERT_ROWS_PER_STATEMENT, changesLink } from '../../../core/store/repos/record-links';
import { UPSERT_FIELDS, type UpsertField } from '../../../core/store/repos/record-links-rows';
import { Vault, generateVaultKey } from '../../../core/security/vault';
import { engines, openTestStore, type TestStore } from '../../helpers/postgres';

/** The batched link writes the runner records pages with: one multi-row upsert per shape, one delete per connection. */
describe.each(engines)('RecordLinksRepo batched writes (%s)', (engine) => {
  let t: TestStore;
  let links: RecordLinksRepo;
  let crm: string;
  let mail: string;
  let group = 0;
  /** A link group of its own per test, so the tests do not see each other's links. */
  const nextGroup = () => `batch-${(group += 1)}`;

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

  const read = (linkGroup: string, externalId: string, extra: Partial<LinkUpsert> = {}): LinkUpsert => ({
    linkGroup,
    entity: 'contact',
    connectionId: crm,
    externalId,
    ...extra,
  });

  it('inserts many links in one call, more than one statement holds (chunked)', async () => {
    const linkGroup = nextGroup();
    const n = UPSERT_ROWS_PER_STATEMENT * 2 + 37;
    const ids = Array.from({ length: n }, (_, i) => `h${i}`);
    await links.saveMany(
      ids.map((id, i) => read(linkGroup, id, { lastReadHash: `r${i}`, lastReadFields: { email: `e${i}` } })),
      1000,
    );
    const found = await links.findMany(linkGroup, crm, ids);
    expect(found.size).toBe(n);
    expect(found.get('h0')).toMatchObject({ lastReadHash: 'r0', lastReadFields: { email: 'e0' }, createdAt: 1000 });
    expect(found.get(`h${n - 1}`)).toMatchObject({
      lastReadHash: `r${n - 1}`,
      entityId: expect.stringMatching(/^ent_/),
    });
    // every new link without an entity gets an entity of its own
    expect(new Set([...found.values()].map((l) => l.entityId)).size).toBe(n);
  });

  it('updates existing links: only the fields given, null clears, undefined keeps', async () => {
    const linkGroup = nextGroup();
    await links.saveMany(
      [
        read(linkGroup, 'h1', { lastReadHash: 'r1', sourceModifiedAt: 100, lastSeenRunId: 'run_a' }),
        read(linkGroup, 'h2', { lastReadHash: 'r2', sourceModifiedAt: 200 }),
      ],
      1000,
    );
    const before = await links.findMany(linkGroup, crm, ['h1', 'h2']);
    await links.saveMany(
      [
        // two shapes in one call
        read(linkGroup, 'h1', { lastReadHash: 'r1b', lastSeenRunId: null }),
        read(linkGroup, 'h2', { sourceModifiedAt: 250, lastWrittenHash: 'w2', lastWrittenFields: ['email'] }),
      ],
      2000,
    );
    const after = await links.findMany(linkGroup, crm, ['h1', 'h2']);
    const h1 = after.get('h1');
    const h2 = after.get('h2');
    expect(h1).toMatchObject({ lastReadHash: 'r1b', sourceModifiedAt: 100, updatedAt: 2000, createdAt: 1000 });
    expect(h1?.lastSeenRunId).toBeUndefined();
    expect(h2).toMatchObject({ lastReadHash: 'r2', sourceModifiedAt: 250, lastWrittenHash: 'w2' });
    expect(h2?.lastWrittenFields).toEqual(['email']);
    // an update keeps the row: same id, same entity
    expect(h1?.id).toBe(before.get('h1')?.id);
    expect(h2?.entityId).toBe(before.get('h2')?.entityId);
  });

  it('applies several upserts of one link in one call in order (the later value wins)', async () => {
    const linkGroup = nextGroup();
    await links.saveMany(
      [
        read(linkGroup, 'h1', { lastReadHash: 'first', entityId: 'ent_a', sourceModifiedAt: 5 }),
        { ...read(linkGroup, 'm1'), connectionId: mail, entityId: 'ent_a', lastWrittenHash: 'w' },
        read(linkGroup, 'h1', { lastReadHash: 'second', lastSeenRunId: 'run_b' }),
      ],
      1000,
    );
    const h1 = await links.find(linkGroup, { connectionId: crm, externalId: 'h1' });
    expect(h1).toMatchObject({
      lastReadHash: 'second',
      entityId: 'ent_a',
      sourceModifiedAt: 5,
      lastSeenRunId: 'run_b',
    });
    expect((await links.peers(linkGroup, 'ent_a')).map((l) => l.externalId)).toEqual(
      [crm, mail].sort().map((c) => (c === crm ? 'h1' : 'm1')),
    );
  });

  it('deletes many links of several connections, and only those', async () => {
    const linkGroup = nextGroup();
    await links.saveMany(
      [
        read(linkGroup, 'h1', { entityId: 'ent_x' }),
        read(linkGroup, 'h2', { entityId: 'ent_y' }),
        { ...read(linkGroup, 'm1'), connectionId: mail, entityId: 'ent_x' },
      ],
      1000,
    );
    const removed = await links.deleteMany(linkGroup, [
      { connectionId: crm, externalId: 'h1' },
      { connectionId: mail, externalId: 'm1' },
      { connectionId: mail, externalId: 'absent' },
    ]);
    expect(removed).toBe(2);
    expect([...(await links.findMany(linkGroup, crm, ['h1', 'h2'])).keys()]).toEqual(['h2']);
    expect(await links.find(linkGroup, { connectionId: mail, externalId: 'm1' })).toBeUndefined();
  });

  it('forgets every link of the given connections, in every link group, and nothing else', async () => {
    const [one, two] = [nextGroup(), nextGroup()];
    await links.saveMany(
      [
        read(one, 'h1', { entityId: 'ent_p' }),
        { ...read(one, 'm1'), connectionId: mail, entityId: 'ent_p' },
        { ...read(two, 'm2'), connectionId: mail, entityId: 'ent_q' },
      ],
      1000,
    );
    expect(await links.deleteInConnections([])).toBe(0);
    const before = await links.deleteInConnections([mail]);
    expect(before).toBeGreaterThanOrEqual(2);
    expect(await links.find(one, { connectionId: mail, externalId: 'm1' })).toBeUndefined();
    expect(await links.find(two, { connectionId: mail, externalId: 'm2' })).toBeUndefined();
    expect(await links.find(one, { connectionId: crm, externalId: 'h1' })).toBeDefined();
  });

  it('finds the peers of a page of entities through the index, not by scanning the connection', async () => {
    // a regression guard: SQLite used to pick the unique (link_group, connection_id, …) index and scan every link
    // of the connection once per page (quadratic over a large sync)
    if (engine === 'postgres') {
      // PostgreSQL plans by table statistics (a tiny test table is always scanned): the index must exist
      const { rows } = await sql<{ indexdef: string }>`
        select indexdef from pg_indexes
        where schemaname = current_schema() and indexname = 'record_links_entity_connection_idx'`.execute(t.store.db);
      expect(rows[0]?.indexdef).toMatch(/\(link_group, entity_id, connection_id\)/);
      return;
    }
    const query = t.store.db
      .selectFrom('record_links')
      .selectAll()
      .where('link_group', '=', 'g')
      .where('connection_id', '=', mail)
      .where('entity_id', 'in', ['ent_1', 'ent_2', 'ent_3'])
      .where('deleted_at', 'is', null)
      .orderBy('updated_at', 'desc')
      .compile();
    const plan = await t.store.db.executeQuery<Record<string, unknown>>({
      ...query,
      sql: `explain query plan ${query.sql}`,
    });
    const text = plan.rows.map((row) => Object.values(row).join(' ')).join('\n');
    expect(text).toMatch(
      /USING INDEX record_links_entity_connection_idx \(link_group=\? AND entity_id=\? AND connection_id=\?\)/,
    );
  });

  it('finds a page of source links with their peers in one call, as findMany then findByEntities would', async () => {
    const linkGroup = nextGroup();
    const target = (externalId: string, extra: Partial<LinkUpsert> = {}): LinkUpsert => ({
      ...read(linkGroup, externalId),
      connectionId: mail,
      ...extra,
    });
    await links.saveMany(
      [
        // an entity with two live targets (newest first) and a deleted one
        read(linkGroup, 'h1', { entityId: 'ent_1', lastReadHash: 'r1' }),
        target('m1', { entityId: 'ent_1', lastWrittenHash: 'w1' }),
        target('m1c', { entityId: 'ent_1', deletedAt: 5 }),
        // two source records of the page on one entity: neither is the other's peer
        read(linkGroup, 'h2', { entityId: 'ent_2', lastReadHash: 'r2' }),
        read(linkGroup, 'h3', { entityId: 'ent_2', lastReadHash: 'r3' }),
        target('m2', { entityId: 'ent_2', lastWrittenHash: 'w2' }),
        // a source record off the page on the entity of one on the page: a sibling
        read(linkGroup, 'h4', { entityId: 'ent_3', lastReadHash: 'r4' }),
        read(linkGroup, 'h5', { entityId: 'ent_3', lastReadHash: 'r5', duplicateOf: 'h4' }),
        // a source link without peers
        read(linkGroup, 'h7', { entityId: 'ent_4', lastReadHash: 'r7' }),
      ],
      1000,
    );
    await links.saveMany([target('m1b', { entityId: 'ent_1', lastWrittenHash: 'w1b' })], 2000);
    const keys = ['h1', 'h2', 'h3', 'h4', 'h6', 'h7', 'h2'];
    const { sources, linked } = await links.findWithPeers(linkGroup, crm, keys, [mail, crm]);

    const expectedSources = await links.findMany(linkGroup, crm, keys);
    expect(new Map([...sources].sort())).toEqual(new Map([...expectedSources].sort()));
    expect([...sources.keys()].sort()).toEqual(['h1', 'h2', 'h3', 'h4', 'h7']);
    const expected = await links.findByEntities(
      linkGroup,
      [...expectedSources.values()].map((l) => l.entityId),
      [mail, crm],
      { exceptIds: [...expectedSources.values()].map((l) => l.id) },
    );
    const byEntity = (list: typeof linked) => {
      const map = new Map<string, string[]>();
      for (const link of list) map.set(link.entityId, [...(map.get(link.entityId) ?? []), link.externalId]);
      return new Map([...map].sort());
    };
    // the same links, in the same order within each entity (newest first)
    expect(byEntity(linked)).toEqual(byEntity(expected));
    expect(byEntity(linked)).toEqual(
      new Map([
        ['ent_1', ['m1b', 'm1']],
        ['ent_2', ['m2']],
        ['ent_3', ['h5']],
      ]),
    );
    expect([...linked].sort((a, b) => a.id.localeCompare(b.id))).toEqual(
      [...expected].sort((a, b) => a.id.localeCompare(b.id)),
    );
    expect(await links.findWithPeers(linkGroup, crm, ['nothing'], [mail, crm])).toEqual({
      sources: new Map(),
      linked: [],
    });

    // asked while the store's connection is in another transaction (SQLite: no raw statement then; it waits)
    let inside!: () => void;
    let release!: () => void;
    const entered = new Promise<void>((resolve) => (inside = resolve));
    const held = new Promise<void>((resolve) => (release = resolve));
    const other = t.store.transaction(async () => {
      inside();
      await held;
    });
    await entered;
    const meanwhile = links.findWithPeers(linkGroup, crm, keys, [mail, crm]);
    release();
    await other;
    const waited = await meanwhile;
    expect(new Map([...waited.sources].sort())).toEqual(new Map([...sources].sort()));
    expect(byEntity(waited.linked)).toEqual(byEntity(linked));
  });

  it('an upsert setting one field changes that column alone, for every field (one statement per shape)', async () => {
    const linkGroup = nextGroup();
    const values: Required<Pick<LinkUpsert, UpsertField>> = {
      entityId: 'ent_x',
      lastWrittenHash: 'w',
      lastReadHash: 'r',
      sourceModifiedAt: 7,
      deletedAt: 8,
      lastWrittenFields: ['a'],
      lastReadFields: { a: 'h' },
      lastSeenRunId: 'run_x',
      duplicateOf: 'other',
      lastMapped: 'fp:h',
    };
    expect(Object.keys(values).sort()).toEqual([...UPSERT_FIELDS].sort());
    await links.saveMany(
      UPSERT_FIELDS.map((field) => read(linkGroup, `one-${field}`, { entityId: `ent_${field}` })),
      1000,
    );
    await links.saveMany(
      UPSERT_FIELDS.map((field) => read(linkGroup, `one-${field}`, { [field]: values[field] })),
      2000,
    );
    for (const field of UPSERT_FIELDS) {
      const link = await links.find(linkGroup, { connectionId: crm, externalId: `one-${field}` });
      const set = Object.keys(link!).filter((k) => (UPSERT_FIELDS as string[]).includes(k) && k !== 'entityId');
      expect([field, link!.updatedAt, set]).toEqual([field, 2000, field === 'entityId' ? [] : [field]]);
      expect(link![field]).toEqual(values[field]);
    }
  });

  it('tells a save that would change nothing from one that would', async () => {
    const linkGroup = nextGroup();
    await links.saveMany([read(linkGroup, 'h1', { lastReadHash: 'r', lastReadFields: { a: '1', b: '2' } })], 1000);
    const stored = await links.find(linkGroup, { connectionId: crm, externalId: 'h1' });
    if (stored === undefined) throw new Error('not saved');
    const same = read(linkGroup, 'h1', {
      lastReadHash: 'r',
      lastReadFields: { b: '2', a: '1' },
      entityId: stored.entityId,
    });
    expect(changesLink(same, stored)).toBe(false);
    expect(changesLink({ ...same, lastReadFields: { a: '1', b: '3' } }, stored)).toBe(true);
    // fewer or more fields than stored is a change too (field hashes compared both ways)
    expect(changesLink({ ...same, lastReadFields: { a: '1' } }, stored)).toBe(true);
    expect(changesLink({ ...same, lastReadFields: { a: '1', b: '2', c: '3' } }, stored)).toBe(true);
    expect(changesLink({ ...same, lastReadFields: {} }, { ...stored, lastReadFields: {} })).toBe(false);
    expect(changesLink({ ...same, lastReadHash: 'r2' }, stored)).toBe(true);
    expect(changesLink({ ...same, lastSeenRunId: 'run_1' }, stored)).toBe(true);
    expect(changesLink({ ...same, sourceModifiedAt: null }, stored)).toBe(false);
    expect(changesLink({ ...same, lastWrittenFields: [] }, stored)).toBe(true);
  });
});
