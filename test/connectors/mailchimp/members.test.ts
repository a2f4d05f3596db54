import nock from 'nock';
import {
  LOOKBACK_MS,
  OVERLAP,
  PAGE_SIZE,
  members,
  type ApiMember,
} from '../../../connectors/mailchimp/streams/members';
import { subscriberHash } from '../../../connectors/mailchimp/client';
import { API, LIST, connection, readMembers, replyWith, settings, useNock } from './helpers';

useNock();

function apiMember(
  i: number,
  lastChanged = `2026-01-01T00:${String(Math.floor(i / 60) % 60).padStart(2, '0')}:${String(i % 60).padStart(2, '0')}+00:00`,
): ApiMember {
  const email = `m${i}@example.com`;
  return {
    id: subscriberHash(email),
    email_address: email,
    status: i % 3 === 0 ? 'unsubscribed' : 'subscribed',
    merge_fields: { FNAME: `F${i}`, ADDRESS: { addr1: 'x', city: 'y' } },
    tags: [{ id: 1, name: 'lead' }],
    language: i % 2 === 0 ? 'en' : '',
    last_changed: lastChanged,
    timestamp_opt: i % 3 === 0 ? '' : '2025-12-01T10:00:00+00:00',
    unsubscribe_reason: i % 3 === 0 ? 'N/A (Unsubscribed by admin)' : undefined,
  };
}

type Query = Record<string, string>;

/** Serves a members list from an array, recording each query. */
function serve(all: () => ApiMember[], queries: Query[]): void {
  nock(API)
    .persist()
    .get(`/3.0/lists/${LIST}/members`)
    .query(true)
    .reply(
      replyWith(({ url }) => {
        const query = Object.fromEntries(url.searchParams) as Query;
        queries.push(query);
        const since = query.since_last_changed ? Date.parse(query.since_last_changed) : -Infinity;
        const list = all().filter((m) => Date.parse(m.last_changed!) >= since);
        const offset = Number(query.offset);
        return [200, { members: list.slice(offset, offset + Number(query.count)), total_items: list.length }];
      }),
    );
}

describe('members stream (nock)', () => {
  it('asks for every status, sorted by last_changed ascending, 1000 per page, and maps the record shape', async () => {
    const queries: Query[] = [];
    serve(() => [apiMember(0), apiMember(1)], queries);
    const { records, checkpoint } = await readMembers(settings);
    expect(queries[0]).toMatchObject({
      count: String(PAGE_SIZE),
      offset: '0',
      sort_field: 'last_changed',
      sort_dir: 'ASC',
    });
    expect(queries[0]!.status).toBeUndefined();
    expect(queries[0]!.since_last_changed).toBeUndefined();
    expect(records[0]).toEqual({
      id: subscriberHash('m0@example.com'),
      email_address: 'm0@example.com',
      status: 'unsubscribed',
      merge_fields: { FNAME: 'F0', ADDRESS: { addr1: 'x', city: 'y' } },
      tags: [{ id: 1, name: 'lead' }],
      language: 'en',
      last_changed: '2026-01-01T00:00:00.000Z',
      unsubscribe_reason: 'N/A (Unsubscribed by admin)',
    });
    expect(records[1]).toMatchObject({ timestamp_opt: '2025-12-01T10:00:00.000Z' });
    expect(records[1]).not.toHaveProperty('language');
    expect(checkpoint).toEqual({ v: 1, cursor: '2026-01-01T00:00:01.000Z', window: null, offset: 0 });
  });

  it('pages with an overlap, resumes mid-pass from the checkpoint, and de-duplicates the overlap', async () => {
    const all = Array.from({ length: 2500 }, (_, i) =>
      apiMember(i, new Date(Date.UTC(2026, 0, 1) + i * 1000).toISOString()),
    );
    const queries: Query[] = [];
    serve(() => all, queries);
    const first = await readMembers(settings, null, { maxPages: 1 });
    expect(first.records).toHaveLength(1000);
    expect(first.checkpoint).toMatchObject({ offset: 1000, window: null });
    const rest = await readMembers(settings, first.checkpoint);
    expect(queries.slice(1).map((q) => q.offset)).toEqual([String(1000 - OVERLAP), String(1950 - OVERLAP)]);
    const ids = [...first.records, ...rest.records].map((r) => r.id);
    // the resumed read re-reads OVERLAP members (new read, new de-dup set); nothing is missing
    expect(new Set(ids).size).toBe(2500);
    expect(rest.records).toHaveLength(1500 + OVERLAP);
    expect(rest.checkpoint).toEqual({ v: 1, cursor: all[2499]!.last_changed, window: null, offset: 0 });
  });

  it('does not skip a member when one already read changes during the read (the list shifts left)', async () => {
    let all = Array.from({ length: 2100 }, (_, i) =>
      apiMember(i, new Date(Date.UTC(2026, 0, 1) + i * 1000).toISOString()),
    );
    const queries: Query[] = [];
    serve(() => all, queries);
    let moved = false;
    const seen: string[] = [];
    for await (const page of members.read({ connection: connection(), checkpoint: null })) {
      seen.push(...page.records.map((r) => r.email_address));
      if (!moved) {
        // after the first page, member 10 is edited in Mailchimp: it moves to the end, everyone after shifts left
        moved = true;
        const [changed] = all.splice(10, 1);
        all = [...all, { ...changed!, last_changed: '2026-02-01T00:00:00+00:00', merge_fields: { FNAME: 'new' } }];
      }
    }
    const distinct = new Set(seen);
    expect(distinct.size).toBe(2100);
    // the changed member is read again with its new state
    expect(seen.filter((e) => e === 'm10@example.com')).toHaveLength(2);
  });

  it('starts the next pass at the cursor minus the look-back window', async () => {
    const queries: Query[] = [];
    serve(() => [apiMember(5, '2026-03-01T12:00:00+00:00')], queries);
    const { records, checkpoint } = await readMembers(settings, {
      v: 1,
      cursor: '2026-03-01T12:00:00.000Z',
      window: null,
      offset: 0,
    });
    expect(queries[0]!.since_last_changed).toBe(
      new Date(Date.parse('2026-03-01T12:00:00Z') - LOOKBACK_MS).toISOString(),
    );
    expect(records).toHaveLength(1);
    // nothing new: the checkpoint is unchanged
    expect(checkpoint).toEqual({ v: 1, cursor: '2026-03-01T12:00:00.000Z', window: null, offset: 0 });
  });

  it('uses `since` on a first read, and never narrows the window with it', async () => {
    const queries: Query[] = [];
    serve(() => [], queries);
    await readMembers(settings, null, { since: '2026-05-01T00:00:00Z' });
    expect(queries[0]!.since_last_changed).toBe('2026-05-01T00:00:00.000Z');
    await readMembers(
      settings,
      { v: 1, cursor: '2026-03-01T00:00:00.000Z', window: null, offset: 0 },
      {
        since: '2026-05-01T00:00:00Z',
      },
    );
    expect(Date.parse(queries[1]!.since_last_changed!)).toBeLessThan(Date.parse('2026-03-01T00:00:00Z'));
  });

  it('ignores a checkpoint of another shape and reads everything', async () => {
    const queries: Query[] = [];
    serve(() => [apiMember(1)], queries);
    const { records } = await readMembers(settings, { file: 'x', offset: 5 });
    expect(records).toHaveLength(1);
    expect(queries[0]!.offset).toBe('0');
    expect(queries[0]!.since_last_changed).toBeUndefined();
  });
});
