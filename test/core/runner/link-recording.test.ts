import type { ReadArgs, StreamDefinition } from '../../../core/sdk';
import type { RecordLink } from '../../../core/store/repos';
import { CONTACT_MAPPING, createHarness, seed, type Harness } from './harness';

/**
 * How a run records links now that they are written per batch (one multi-row upsert) instead of per record:
 * the same links as one by one, nothing re-saved for records read again unchanged, and the flow's look-back
 * window passed to the stream as `since`.
 */
describe('flow runner: recording links per batch', () => {
  let h: Harness;
  afterEach(async () => {
    await h.close();
  });

  /** A runner clock that moves on every reading, so a link saved again always gets a later update time. */
  const ticking = () => {
    let t = 1_800_000_000_000;
    return () => (t += 10);
  };

  async function allLinks(linkGroup: string): Promise<Map<string, RecordLink>> {
    const rows = await h.store.db
      .selectFrom('record_links')
      .select(['connection_id', 'external_id'])
      .where('link_group', '=', linkGroup)
      .execute();
    const found = new Map<string, RecordLink>();
    for (const row of rows) {
      const link = await h.repos.recordLinks.find(linkGroup, {
        connectionId: row.connection_id,
        externalId: row.external_id,
      });
      if (link !== undefined) found.set(`${row.connection_id}/${row.external_id}`, link);
    }
    return found;
  }

  it('records every link of a batch, and re-saves none of a record read again unchanged', async () => {
    h = await createHarness({ deps: { now: ticking() } });
    const a = await h.connector('a', { pageSize: 4 });
    const b = await h.connector('b');
    seed(a, 10);
    await h.mapping('contact', CONTACT_MAPPING);
    const flow = await h.flow({ name: 'a-to-b', options: { batchSize: 3 } });

    expect((await h.run('a-to-b')).counts).toMatchObject({ created: 10 });
    const first = await allLinks(flow.id);
    // a source link and a target link per record, peers of one entity
    expect(first.size).toBe(20);
    for (let i = 1; i <= 10; i++) {
      const source = first.get(`${a.connectionId}/a${i}`);
      const targetId = b.byEmail(`person${i}@example.com`)?.id as string;
      const target = first.get(`${b.connectionId}/${targetId}`);
      expect(source?.lastReadHash).toMatch(/^[0-9a-f]{32}$/);
      expect(source?.sourceModifiedAt).toBe(a.get(`a${i}`)?.updatedAt);
      expect(target?.lastWrittenHash).toMatch(/^[0-9a-f]{32}$/);
      expect(target?.lastWrittenFields).toEqual(['email', 'name']);
      expect(target?.entityId).toBe(source?.entityId);
    }

    // a full re-read: nothing changed, so no link is written again (same update time)
    await h.repos.checkpoints.clear(flow.id);
    expect((await h.run('a-to-b')).counts).toMatchObject({ read: 10, unchanged: 10, created: 0, updated: 0 });
    const second = await allLinks(flow.id);
    for (const [key, link] of first) expect(second.get(key)?.updatedAt).toBe(link.updatedAt);

    // one record changed: its source and target links are updated, the others still not touched
    a.change('a4', { name: 'Person Four' });
    expect((await h.run('a-to-b')).counts).toMatchObject({ updated: 1 });
    const third = await allLinks(flow.id);
    const source4 = `${a.connectionId}/a4`;
    const target4 = `${b.connectionId}/${b.byEmail('person4@example.com')?.id as string}`;
    expect(third.get(source4)?.lastReadHash).not.toBe(first.get(source4)?.lastReadHash);
    expect(third.get(source4)?.updatedAt).toBeGreaterThan(first.get(source4)?.updatedAt as number);
    expect(third.get(target4)?.lastWrittenHash).not.toBe(first.get(target4)?.lastWrittenHash);
    expect(third.get(`${a.connectionId}/a5`)?.updatedAt).toBe(first.get(`${a.connectionId}/a5`)?.updatedAt);
  });

  it('joins two records written to one target record in the same batch into one entity', async () => {
    h = await createHarness();
    const a = await h.connector('a', { pageSize: 10 });
    const b = await h.connector('b');
    // two source records with one email: the target upserts by email, so both land on one target record
    a.put({ id: 'a1', email: 'same@example.com', name: 'First' });
    a.put({ id: 'a2', email: 'same@example.com', name: 'Second' });
    await h.mapping('contact', CONTACT_MAPPING);
    const flow = await h.flow({ name: 'a-to-b', options: { batchSize: 10 } });

    const run = await h.run('a-to-b');
    expect(run.status).toBe('succeeded');
    expect(b.records.size).toBe(1);
    const targetId = b.byEmail('same@example.com')?.id as string;
    const a1 = await h.repos.recordLinks.find(flow.id, { connectionId: a.connectionId, externalId: 'a1' });
    const a2 = await h.repos.recordLinks.find(flow.id, { connectionId: a.connectionId, externalId: 'a2' });
    const target = await h.repos.recordLinks.find(flow.id, { connectionId: b.connectionId, externalId: targetId });
    expect(a1?.entityId).toBeDefined();
    expect(a2?.entityId).toBe(a1?.entityId);
    expect(target?.entityId).toBe(a1?.entityId);
  });

  it('passes the look-back window to the stream as since: checkpoint time minus lookbackMs', async () => {
    let tick = 1_800_000_000_000;
    h = await createHarness({ deps: { now: () => (tick += 1000) } });
    const a = await h.connector('a', { pageSize: 10 });
    await h.connector('b');
    seed(a, 3);
    // record what each read of the stream is asked for
    const asked: (string | undefined)[] = [];
    const stream = a.definition.streams[0] as StreamDefinition;
    a.definition = {
      ...a.definition,
      streams: [
        {
          ...stream,
          read: (args: ReadArgs<Record<string, unknown>>) => {
            asked.push(args.since);
            return stream.read(args);
          },
        },
      ],
    };
    await h.mapping('contact', CONTACT_MAPPING);
    const flow = await h.flow({ name: 'a-to-b', options: { lookbackMs: 3_600_000 } });

    await h.run('a-to-b');
    // a first read has no checkpoint: it reads everything, no window
    expect(asked).toEqual([undefined]);
    const saved = (await h.repos.checkpoints.getStored(flow.id, 'contacts'))?.updatedAt as number;
    expect(saved).toBeGreaterThan(1_800_000_000_000);

    const rerun = await h.run('a-to-b');
    expect(asked[1]).toBe(new Date(saved - 3_600_000).toISOString());
    // what is read again unchanged costs no write
    expect(rerun.counts).toMatchObject({ created: 0, updated: 0 });

    // without lookbackMs, no since
    const other = await h.flow({ name: 'a-to-b-plain' });
    await h.run(other.name);
    await h.run(other.name);
    expect(asked.slice(2)).toEqual([undefined, undefined]);
  });
});
