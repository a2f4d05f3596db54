import type { CompiledMapping } from '../../../core/mapping';
import { mappingFingerprint } from '../../../core/runner/mapped-state';
import { engines } from '../../helpers/postgres';
import { CONTACT_MAPPING, createHarness, seed, type Harness } from './harness';

/**
 * Records read again exactly as they were last mapped are decided without mapping them again
 * (core/runner/mapped-state.ts), and everything a payload depends on besides the record maps them again. The
 * engine's compileMapping is wrapped to count the records each run hands to the mapping.
 */
let evaluated = 0;

jest.mock('../../../core/mapping/engine', () => {
  const actual = jest.requireActual<typeof import('../../../core/mapping/engine')>('../../../core/mapping/engine');
  return {
    ...actual,
    compileMapping: (...args: Parameters<typeof actual.compileMapping>): CompiledMapping => {
      const compiled = actual.compileMapping(...args);
      return {
        id: compiled.id,
        version: compiled.version,
        expressionHash: compiled.expressionHash,
        evaluate: (record) => {
          evaluated += 1;
          return compiled.evaluate(record);
        },
        evaluatePage: (records) => {
          evaluated += records.length;
          return compiled.evaluatePage(records);
        },
      };
    },
  };
});

describe.each(engines)('records read as they were last mapped (%s)', (engine) => {
  let h: Harness;
  afterEach(async () => {
    await h.close();
  });

  /**
   * A flow a → b over six contacts in pages of three (batches of three: pages are not merged), run once; `rerun`
   * re-reads everything.
   */
  async function synced(mapping = CONTACT_MAPPING, created = 6) {
    h = await createHarness({ engine });
    const a = await h.connector('a', { pageSize: 3 });
    const b = await h.connector('b');
    seed(a, 6);
    await h.mapping('contact', mapping);
    const flow = await h.flow({ name: 'a-to-b', options: { batchSize: 3 } });
    const first = await h.run('a-to-b');
    expect(first.counts).toMatchObject({ read: 6, created });
    const rerun = async () => {
      await h.repos.checkpoints.clear(flow.id);
      evaluated = 0;
      return h.run('a-to-b');
    };
    return { a, b, flow, rerun };
  }

  it('a full re-read of unchanged records maps none of them and writes nothing', async () => {
    const { a, b, rerun } = await synced();
    const writes = b.accepted('write').length;
    const link = await h.repos.recordLinks.find((await h.repos.flows.list())[0].id, {
      connectionId: a.connectionId,
      externalId: 'a1',
    });
    expect(link?.lastMapped).toMatch(/^[0-9a-f]{16}:[0-9a-f]{20}$/);

    const run = await rerun();
    expect(run.counts).toMatchObject({ read: 6, unchanged: 6, created: 0, updated: 0, failed: 0 });
    expect(evaluated).toBe(0);
    expect(b.accepted('write').length).toBe(writes);
  });

  it('a page with a changed record is mapped whole; a page without one is not', async () => {
    const { a, b, rerun } = await synced();
    a.change('a2', { name: 'Person Two' });
    const run = await rerun();
    expect(run.counts).toMatchObject({ read: 6, updated: 1, unchanged: 5 });
    // the page holding a2 holds a write, which may compete for a destination with its neighbours: all three mapped
    expect(evaluated).toBe(3);
    expect(b.byEmail('person2@example.com')?.name).toBe('Person Two');
    // and the write is remembered: the next re-read maps nothing
    expect((await rerun()).counts).toMatchObject({ unchanged: 6 });
    expect(evaluated).toBe(0);
  });

  it('a new version of the mapping maps every record again and rewrites what it changes', async () => {
    const { b, rerun } = await synced();
    await h.mapping('contact', '{ "email": email, "name": $uppercase(name) }', '2');
    const run = await rerun();
    expect(evaluated).toBe(6);
    expect(run.counts).toMatchObject({ updated: 6 });
    expect(b.byEmail('person4@example.com')?.name).toBe('PERSON 4');
  });

  it('the target record rewritten by another writer of the link group: mapped again and written back', async () => {
    const { a, b, flow, rerun } = await synced();
    const source = await h.repos.recordLinks.find(flow.id, { connectionId: a.connectionId, externalId: 'a5' });
    const target = await h.repos.recordLinks.peerIn(
      flow.id,
      { connectionId: a.connectionId, externalId: 'a5' },
      b.connectionId,
    );
    expect(source?.lastMapped).toBeDefined();
    await h.repos.recordLinks.saveMany([
      {
        linkGroup: flow.id,
        entity: 'contacts',
        connectionId: b.connectionId,
        externalId: target?.externalId as string,
        lastWrittenHash: '0'.repeat(32),
      },
    ]);
    const run = await rerun();
    expect(run.counts).toMatchObject({ updated: 1, unchanged: 5 });
    expect(evaluated).toBe(3); // the page a4–a6
  });

  it('records the mapping holds back are mapped on every read (their reason is listed again); the rest are not', async () => {
    const { rerun } = await synced(
      'email = "person2@example.com" ? $skip("no marketing consent") : { "email": email, "name": name }',
      5,
    );
    const run = await rerun();
    expect(run.counts).toMatchObject({ read: 6, unchanged: 6, created: 0 });
    // a held record decides nothing a neighbour could compete with: only it is mapped
    expect(evaluated).toBe(1);
    const held = await h.repos.runRecords.list(run.id, { outcome: 'held' });
    expect(held.map((r) => [r.recordKey, r.reason])).toEqual([['a2', 'no marketing consent']]);
  });

  it('a mapping that reads the clock is evaluated on every read', async () => {
    const { rerun } = await synced('{ "email": email, "name": name, "year": $substring($string($now()), 0, 4) }');
    const run = await rerun();
    expect(run.counts).toMatchObject({ unchanged: 6 });
    expect(evaluated).toBe(6);
  });
});

describe('mappingFingerprint', () => {
  const mapping = { id: 'contact', version: '1', expression: CONTACT_MAPPING };

  it('changes with everything a payload depends on besides the record', () => {
    const base = mappingFingerprint({ mapping });
    expect(base).toMatch(/^[0-9a-f]{16}$/);
    expect(mappingFingerprint({ mapping })).toBe(base);
    const variants = [
      mappingFingerprint({ mapping: { ...mapping, version: '2' } }),
      mappingFingerprint({ mapping: { ...mapping, expression: '{ "email": email }' } }),
      mappingFingerprint({ mapping: { ...mapping, target: { schema: { type: 'object', required: ['email'] } } } }),
      mappingFingerprint({ mapping, engineOptions: { defaultCountry: 'RU' } }),
      mappingFingerprint({ mapping, engineOptions: { citySynonyms: { 'Санкт-Петербург': ['СПб'] } } }),
      mappingFingerprint({ mapping, writableFields: ['email'] }),
      mappingFingerprint({ mapping, hashedAction: 'removeMembers' }),
    ];
    expect(new Set([base, ...variants]).size).toBe(variants.length + 1);
  });

  it('is undefined for a mapping that reads a clock or draws random numbers', () => {
    for (const expression of ['{ "at": $now() }', '{ "at": $millis() }', '{ "n": $random() }'])
      expect(mappingFingerprint({ mapping: { ...mapping, expression } })).toBeUndefined();
  });
});
