import { sql, type Kysely } from 'kysely';
import { RecordLinksRepo, type LinkUpsert, type RecordLink } from '../../../core/store';
import { TransactionMisuseError } from '../../../core/store/transaction-guard';
import { isRawPg } from '../../../core/store/raw-pg';
import type { Database } from '../../../core/store/schema';
import { engines, openTestStore, type TestStore } from '../../helpers/postgres';

/**
 * On PostgreSQL the runner's link statements go as named prepared statements with array parameters
 * (core/store/raw-pg.ts, core/store/repos/record-links-pg.ts). Through the repository, against real PostgreSQL,
 * they must give what the Kysely-built statements give on the same data: the same rows, in the same order, the
 * same conflict semantics and the same types; and run on the transaction's connection.
 */
const postgres = engines.includes('postgres');

/** Ids that need quoting in an array literal, or look like something else in one. */
const QUOTED = ['', 'NULL', 'null', 'a,b', '{x}', 'say "hi"', 'back\\slash', ' spaced ', 'ünï€😀', "it's", '\\"}'];
/** What JSON escapes unlike an array literal: arrays holding these go through pg's own conversion (raw-pg.ts). */
const ESCAPED = ['new\nline', 'tab\there', 'ctl\u0001'];
const AWKWARD = [...QUOTED, ...ESCAPED];
/** A batch in two calls: the links whose ids an array literal from JSON can hold, then the others. */
const byEscaping = (inputs: LinkUpsert[]) => [
  inputs.filter((input) => !ESCAPED.includes(input.externalId)),
  inputs.filter((input) => ESCAPED.includes(input.externalId)),
];

(postgres ? describe : describe.skip)('prepared link statements on PostgreSQL (HUB_TEST_DATABASE_URL)', () => {
  let t: TestStore;
  /** The store's own handle: the prepared path. */
  let fast: RecordLinksRepo;
  /** The same database through a Kysely instance the store did not register: the Kysely-built statements. */
  let kysely: RecordLinksRepo;
  let plain: Kysely<Database>;
  let group = 0;
  const nextGroup = () => `pg-${(group += 1)}`;
  const crm = 'conn_crm';
  const mail = 'conn_mail';

  beforeAll(async () => {
    t = await openTestStore('postgres');
    plain = t.store.db.withoutPlugins();
    fast = new RecordLinksRepo(t.store.db);
    kysely = new RecordLinksRepo(plain);
  });
  afterAll(async () => {
    await t.cleanup();
  });

  const link = (linkGroup: string, connectionId: string, externalId: string, extra: Partial<LinkUpsert> = {}) =>
    ({ linkGroup, entity: 'contact', connectionId, externalId, ...extra }) satisfies LinkUpsert;

  /** Every link of a group as the repository returns it, ordered, with the generated ids replaced by their order. */
  async function snapshot(linkGroup: string): Promise<Record<string, unknown>[]> {
    const rows = await t.store.db
      .selectFrom('record_links')
      .select(['connection_id', 'external_id'])
      .where('link_group', '=', linkGroup)
      .orderBy('connection_id')
      .orderBy('external_id')
      .execute();
    const found: RecordLink[] = [];
    for (const connectionId of [crm, mail]) {
      const ids = rows.filter((r) => r.connection_id === connectionId).map((r) => r.external_id);
      found.push(...(await kysely.findMany(linkGroup, connectionId, ids)).values());
    }
    found.sort((a, b) => (a.connectionId + a.externalId < b.connectionId + b.externalId ? -1 : 1));
    const names = new Map<string, string>();
    const rename = (id: string, prefix: string) => {
      if (!names.has(id)) names.set(id, `${prefix}${names.size}`);
      return names.get(id);
    };
    return found.map(({ id, entityId, linkGroup: _group, ...rest }) => ({
      ...rest,
      id: rename(id, 'link'),
      entityId: entityId.startsWith('ent_given') ? entityId : rename(entityId, 'entity'),
    }));
  }

  it('are used by the store and its transactions only, on the transaction’s connection, prepared once', async () => {
    expect(isRawPg(t.store.db)).toBe(true);
    expect(isRawPg(plain)).toBe(false);
    const linkGroup = nextGroup();
    await t.store.transaction(async (trx) => {
      expect(isRawPg(trx)).toBe(true);
      const inside = new RecordLinksRepo(trx);
      await inside.saveMany([link(linkGroup, crm, 'a', { lastReadHash: 'r' })], 1000);
      // the transaction's own uncommitted row: the statement ran on its connection
      expect((await inside.findMany(linkGroup, crm, ['a'])).get('a')).toMatchObject({ lastReadHash: 'r' });
      await inside.findMany(linkGroup, crm, ['b', 'c', 'd']);
      await inside.findByEntities(linkGroup, ['x'], [crm]);
      const { rows } = await sql<{ name: string; text: string }>`
        select name, statement as text from pg_prepared_statements where name like 'hub_links_%'`.execute(trx);
      // one statement per text whatever the number of ids
      expect(rows.map((row) => row.name).sort()).toEqual(
        expect.arrayContaining(['hub_links_find_by_entities', 'hub_links_find_many']),
      );
      expect(rows.filter((row) => row.name === 'hub_links_find_many')).toHaveLength(1);
      expect(rows.some((row) => row.name.startsWith('hub_links_upsert_'))).toBe(true);
      // through the store's own handle inside its transaction: refused, as any query
      await expect(fast.findMany(linkGroup, crm, ['a'])).rejects.toThrow(TransactionMisuseError);
    });
  });

  it('writes of a transaction that rolls back leave nothing', async () => {
    const linkGroup = nextGroup();
    await expect(
      t.store.transaction(async (trx) => {
        await new RecordLinksRepo(trx).saveMany([link(linkGroup, crm, 'a', { lastReadHash: 'r' })], 1000);
        throw new Error('roll back');
      }),
    ).rejects.toThrow('roll back');
    expect((await fast.findMany(linkGroup, crm, ['a'])).size).toBe(0);
  });

  it('upserts leave the same rows as the Kysely statements: inserts, conflicts that update, null and undefined', async () => {
    const [a, b] = [nextGroup(), nextGroup()];
    const steps = (linkGroup: string): Array<[LinkUpsert[], number]> => [
      [
        [
          ...AWKWARD.map((id, i) =>
            link(linkGroup, crm, id, {
              lastReadHash: `r${i}`,
              sourceModifiedAt: 2 ** 52 + i,
              lastReadFields: { email: `e${i}`, 'we"ird\\': 'x' },
              lastSeenRunId: 'run_1',
            }),
          ),
          link(linkGroup, mail, 'm1', {
            entityId: 'ent_given_1',
            lastWrittenHash: 'w1',
            lastWrittenFields: ['email', 'name'],
          }),
          link(linkGroup, mail, 'm2', { entityId: 'ent_given_2', deletedAt: 7, duplicateOf: 'm1', lastMapped: 'f:1' }),
        ],
        1000,
      ],
      [
        [
          // conflicts: set, clear with null, keep what is undefined; a new entity for an existing link
          link(linkGroup, crm, '', { lastReadHash: null, lastSeenRunId: 'run_2' }),
          link(linkGroup, crm, 'NULL', { entityId: 'ent_given_1', sourceModifiedAt: null, lastReadFields: null }),
          link(linkGroup, mail, 'm1', { lastWrittenHash: 'w2', lastWrittenFields: [] }),
          link(linkGroup, mail, 'm2', { deletedAt: null, duplicateOf: null, lastMapped: null }),
          // the same link twice in one call: the later value wins, the earlier one's other fields stay
          link(linkGroup, crm, 'a,b', { lastReadHash: 'first', lastMapped: 'f:2' }),
          link(linkGroup, crm, 'a,b', { lastReadHash: 'second' }),
          link(linkGroup, crm, 'new', {}),
        ],
        2000,
      ],
    ];
    for (const [inputs, now] of steps(a)) for (const part of byEscaping(inputs)) await fast.saveMany(part, now);
    for (const [inputs, now] of steps(b)) for (const part of byEscaping(inputs)) await kysely.saveMany(part, now);
    const [viaPrepared, viaKysely] = [await snapshot(a), await snapshot(b)];
    expect(viaPrepared).toHaveLength(AWKWARD.length + 3);
    expect(viaPrepared).toEqual(viaKysely);
    // the types the repository returns: numbers for bigints (beyond 2^31), parsed JSON, absent for null
    const first = viaPrepared.find((l) => l.externalId === ' spaced ');
    expect(first).toMatchObject({ sourceModifiedAt: 2 ** 52 + 7, createdAt: 1000, updatedAt: 1000 });
    expect(first?.lastReadFields).toEqual({ email: 'e7', 'we"ird\\': 'x' });
    expect(viaPrepared.find((l) => l.externalId === '')).not.toHaveProperty('lastReadHash');
    expect(viaPrepared.find((l) => l.externalId === 'm1')?.lastWrittenFields).toEqual([]);
  });

  it('upserts more rows than one prepared statement takes, as the Kysely statements do', async () => {
    const [a, b] = [nextGroup(), nextGroup()];
    const many = (linkGroup: string, now: number) =>
      Array.from({ length: 5_123 }, (_, i) =>
        link(linkGroup, crm, `h${i}`, { lastReadHash: `r${i}:${now}`, sourceModifiedAt: now + i }),
      );
    await fast.saveMany(many(a, 1000), 1000);
    await fast.saveMany(many(a, 2000), 2000);
    await kysely.saveMany(many(b, 1000), 1000);
    await kysely.saveMany(many(b, 2000), 2000);
    const [viaPrepared, viaKysely] = [await snapshot(a), await snapshot(b)];
    expect(viaPrepared).toHaveLength(5_123);
    expect(viaPrepared).toEqual(viaKysely);
  });

  it('look-ups by external id find what the Kysely statements find: duplicates, absent ids, many rows', async () => {
    const linkGroup = nextGroup();
    const ids = [...AWKWARD, ...Array.from({ length: 1_200 }, (_, i) => `h${i}`)];
    await fast.saveMany(
      ids.map((id, i) => link(linkGroup, crm, id, { lastReadHash: `r${i}`, lastReadFields: { n: String(i) } })),
      1000,
    );
    await fast.saveMany([link(linkGroup, mail, 'h1', { lastWrittenHash: 'other connection' })], 1000);
    const asked = [...ids, ...ids.slice(0, 50), 'absent', 'H1', 'h1 ', ...AWKWARD];
    const viaPrepared = await fast.findMany(linkGroup, crm, asked);
    const viaKysely = await kysely.findMany(linkGroup, crm, asked);
    expect(viaPrepared.size).toBe(ids.length);
    expect(new Map([...viaPrepared].sort())).toEqual(new Map([...viaKysely].sort()));
    // ids an array literal from JSON holds, alone
    const quoted = [...QUOTED, 'h1', 'absent'];
    expect([...(await fast.findMany(linkGroup, crm, quoted)).keys()].sort()).toEqual([...QUOTED, 'h1'].sort());
    expect((await fast.findMany(linkGroup, crm, [])).size).toBe(0);
    expect((await fast.findMany(linkGroup, crm, ['absent'])).size).toBe(0);
  });

  it('look-ups by entity give the same links in the same order as the Kysely statements', async () => {
    const linkGroup = nextGroup();
    const inputs: LinkUpsert[] = [];
    for (let e = 0; e < 300; e++) {
      const entityId = `ent_given_${e}`;
      inputs.push(link(linkGroup, crm, `h${e}`, { entityId, lastReadHash: `r${e}` }));
      // two targets per entity at different times, one deleted, and a sibling source record
      if (e % 3 !== 0) inputs.push(link(linkGroup, mail, `m${e}`, { entityId, lastWrittenHash: `w${e}` }));
      if (e % 5 === 0) inputs.push(link(linkGroup, mail, `m${e}b`, { entityId, deletedAt: 9 }));
      if (e % 7 === 0) inputs.push(link(linkGroup, crm, `h${e}s`, { entityId, duplicateOf: `h${e}` }));
    }
    // different update times, and ties broken by id
    await fast.saveMany(
      inputs.filter((_, i) => i % 2 === 0),
      1000,
    );
    await fast.saveMany(
      inputs.filter((_, i) => i % 2 === 1),
      2000,
    );
    await fast.saveMany(
      inputs.filter((_, i) => i % 11 === 0).map((input) => ({ ...input, lastSeenRunId: 'run_x' })),
      3000,
    );
    const sources = await fast.findMany(
      linkGroup,
      crm,
      inputs.filter((input) => input.connectionId === crm).map((input) => input.externalId),
    );
    const entities = [...Array.from({ length: 300 }, (_, e) => `ent_given_${e}`), 'ent_given_7', 'ent_absent'];
    const except = [...sources.values()].filter((_, i) => i % 4 === 0).map((l) => l.id);
    for (const connections of [[mail], [crm, mail], [mail, mail, crm], ['conn_none']]) {
      for (const options of [{}, { exceptIds: except }, { exceptIds: [...except, ...except, 'lnk_absent'] }]) {
        const viaPrepared = await fast.findByEntities(linkGroup, entities, connections, options);
        const viaKysely = await kysely.findByEntities(linkGroup, entities, connections, options);
        expect(viaPrepared).toEqual(viaKysely);
      }
    }
    expect((await fast.findByEntities(linkGroup, entities, [crm, mail])).length).toBeGreaterThan(500);
    expect(await fast.findByEntities(linkGroup, [], [mail])).toEqual([]);
    // findWithPeers on PostgreSQL is those two look-ups
    const page = ['h1', 'h2', 'h3', 'h14', 'absent'];
    const withPeers = await fast.findWithPeers(linkGroup, crm, page, [mail, crm]);
    const own = await kysely.findMany(linkGroup, crm, page);
    expect(new Map([...withPeers.sources].sort())).toEqual(new Map([...own].sort()));
    expect(withPeers.linked).toEqual(
      await kysely.findByEntities(
        linkGroup,
        [...own.values()].map((l) => l.entityId),
        [mail, crm],
        { exceptIds: [...own.values()].map((l) => l.id) },
      ),
    );
  });

  it('look-ups of more than 500 entities are ordered newest first across all of them', async () => {
    const linkGroup = nextGroup();
    const inputs = Array.from({ length: 1_100 }, (_, e) =>
      link(linkGroup, mail, `m${e}`, { entityId: `ent_given_${e}`, lastWrittenHash: `w${e}` }),
    );
    // the entities of the first chunk of 500 written first: the Kysely path orders within each chunk only, so it
    // gives them before the newer ones of the second chunk
    await fast.saveMany(inputs.slice(0, 500), 1000);
    await fast.saveMany(inputs.slice(500), 2000);
    const entities = inputs.map((_, e) => `ent_given_${e}`);
    const viaPrepared = await fast.findByEntities(linkGroup, entities, [mail]);
    const viaKysely = await kysely.findByEntities(linkGroup, entities, [mail]);
    expect(viaPrepared).toHaveLength(1_100);
    const key = (l: RecordLink) => l.id;
    expect(viaPrepared.map(key).sort()).toEqual(viaKysely.map(key).sort());
    const times = viaPrepared.map((l) => l.updatedAt);
    expect(times).toEqual([...times].sort((x, y) => y - x));
    expect(viaKysely[0]?.updatedAt).toBe(1000);
  });
});
