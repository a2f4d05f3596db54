import nock from 'nock';
import { CONTACT_PROPERTIES, LINE_ITEM_PROPERTIES } from '../../../connectors/hubspot/streams/objects';
import { API, Captured, hsObject, nockSettings, readAll } from './helpers';
import { setupNock } from './nock-setup';

setupNock();

const CONTACTS_SPEC = 'hubspot/crm-contacts-v3.json';
const DEALS_SPEC = 'hubspot/crm-deals-v3.json';
const T0 = Date.UTC(2026, 2, 1);
const iso = (ms: number) => new Date(ms).toISOString();

interface SearchBody {
  filterGroups: { filters: { propertyName: string; operator: string; value: string }[] }[];
  sorts: string[];
  after: string;
  limit: number;
  properties: string[];
}

describe('contacts stream: backfill through the list endpoint', () => {
  it('pages with after, requests the contact properties, then hands over a search checkpoint', async () => {
    const properties = [...CONTACT_PROPERTIES, 'favourite_colour'].join(',');
    nock(API)
      .get('/crm/v3/objects/contacts')
      .query({ limit: '100', properties, archived: 'false' })
      .reply(200, {
        results: [hsObject(1, iso(T0), { email: 'a@example.com' }), hsObject(2, iso(T0 + 5), { email: null })],
        paging: { next: { after: '2', link: 'x' } },
      })
      .get('/crm/v3/objects/contacts')
      .query({ limit: '100', properties, archived: 'false', after: '2' })
      .reply(200, { results: [hsObject(3, iso(T0 + 2), { email: 'c@example.com' })] });
    const settings = nockSettings({ contactProperties: ['favourite_colour', 'email'], lookbackMs: 1000 });
    const before = Date.now();
    const result = await readAll('contacts', settings);
    expect(result.records.map((r) => r.id)).toEqual(['1', '2', '3']);
    expect(result.records[0]).toEqual({
      id: '1',
      properties: {
        hs_object_id: '1',
        lastmodifieddate: iso(T0),
        hs_lastmodifieddate: iso(T0),
        email: 'a@example.com',
      },
      createdAt: '2026-01-01T00:00:00.000Z',
      updatedAt: iso(T0),
      archived: false,
    });
    expect(result.records[1]!.properties).toMatchObject({ email: null });
    const first = result.pages[0]!.checkpoint as { mode: string; after: string; ts: number; startedAt: number };
    expect(first).toMatchObject({ mode: 'list', after: '2', ts: T0 + 5 });
    expect(first.startedAt).toBeGreaterThanOrEqual(before);
    // the backfill's start, minus the look-back (not the newest modification seen: that re-read everything)
    expect(result.checkpoint).toEqual({ mode: 'search', ts: first.startedAt - 1000 });
  });

  it('resumes a backfill from its list cursor', async () => {
    nock(API)
      .get('/crm/v3/objects/contacts')
      .query((q) => q.after === '77')
      .reply(200, { results: [hsObject(78, iso(T0))] });
    const result = await readAll('contacts', nockSettings(), {
      mode: 'list',
      after: '77',
      ts: T0 - 10,
      startedAt: T0 + 99,
    });
    expect(result.records.map((r) => r.id)).toEqual(['78']);
    // the backfill's start (nockSettings sets no look-back), not the newest modification seen
    expect(result.checkpoint).toEqual({ mode: 'search', ts: T0 + 99 });
  });
});

/** The cursor a search read ends on: the read's own start minus the look-back, within the read's bounds. */
function expectEndCursor(checkpoint: unknown, before: number, after: number, lookbackMs: number) {
  const ts = (checkpoint as { ts: number }).ts;
  expect(checkpoint).toEqual({ mode: 'search', ts });
  expect(ts).toBeGreaterThanOrEqual(before - lookbackMs);
  expect(ts).toBeLessThanOrEqual(after - lookbackMs);
}

describe('contacts stream: incremental search', () => {
  it('searches the last-modified property GTE the cursor, ascending, 200 a page; the body matches the spec', async () => {
    const captured = new Captured();
    const path = '/crm/v3/objects/contacts/search';
    nock(API)
      .post(path, captured.take(path))
      .reply(200, {
        total: 201,
        results: [hsObject(10, iso(T0 + 1))],
        paging: { next: { after: '200' } },
      })
      .post(path, captured.take(path))
      .reply(200, { total: 201, results: [hsObject(11, iso(T0 + 9))] });
    const before = Date.now();
    const result = await readAll('contacts', nockSettings({ lookbackMs: 5 }), { mode: 'search', ts: T0 });
    const after = Date.now();
    expect(captured.validate(CONTACTS_SPEC, 'post', path, path)).toBe(2);
    const [first, second] = captured.bodies.map((b) => b.body as SearchBody);
    expect(first!.filterGroups).toEqual([
      { filters: [{ propertyName: 'lastmodifieddate', operator: 'GTE', value: String(T0) }] },
    ]);
    expect(first).toMatchObject({ sorts: ['lastmodifieddate'], limit: 200, after: '0' });
    expect(first!.properties).toEqual(CONTACT_PROPERTIES);
    expect(second).toMatchObject({ after: '200' });
    expect(result.pages[0]!.checkpoint).toEqual({ mode: 'search', ts: T0, after: '200' });
    expectEndCursor(result.pages[1]!.checkpoint, before, after, 5);
    expect(result.records.map((r) => r.id)).toEqual(['10', '11']);
  });

  it('an empty read moves its cursor up to its own start minus the look-back, so reruns read only that window', async () => {
    nock(API).post('/crm/v3/objects/contacts/search').reply(200, { total: 0, results: [] });
    const before = Date.now();
    const result = await readAll('contacts', nockSettings({ lookbackMs: 60_000 }), { mode: 'search', ts: T0 });
    expectEndCursor(result.checkpoint, before, Date.now(), 60_000);
  });

  it('never moves a cursor back: a cursor newer than the read start minus the look-back is kept', async () => {
    nock(API).post('/crm/v3/objects/contacts/search').reply(200, { total: 0, results: [] });
    const future = Date.now() + 3_600_000;
    const result = await readAll('contacts', nockSettings({ lookbackMs: 60_000 }), { mode: 'search', ts: future });
    expect(result.checkpoint).toEqual({ mode: 'search', ts: future });
  });

  it('a first read with `since` searches from it instead of backfilling', async () => {
    const captured = new Captured();
    const path = '/crm/v3/objects/contacts/search';
    nock(API).post(path, captured.take(path)).reply(200, { total: 0, results: [] });
    await readAll('contacts', nockSettings(), null, { since: iso(T0) });
    expect((captured.bodies[0]!.body as SearchBody).filterGroups[0]!.filters[0]!.value).toBe(String(T0));
  });

  it('restarts from the latest time seen when the next offset would reach 10,000, skipping records already read', async () => {
    const captured = new Captured();
    const path = '/crm/v3/objects/contacts/search';
    nock(API)
      .post(path, captured.take(path))
      .reply(200, {
        total: 10_300,
        results: [hsObject(1, iso(T0 + 1)), hsObject(2, iso(T0 + 7))],
        paging: { next: { after: '10000' } },
      })
      .post(path, captured.take(path))
      .reply(200, { total: 2, results: [hsObject(2, iso(T0 + 7)), hsObject(3, iso(T0 + 8))] });
    const result = await readAll('contacts', nockSettings(), { mode: 'search', ts: T0, after: '9800' });
    expect(captured.validate(CONTACTS_SPEC, 'post', path, path)).toBe(2);
    const restart = captured.bodies[1]!.body as SearchBody;
    expect(restart.after).toBe('0');
    expect(restart.filterGroups[0]!.filters).toEqual([
      { propertyName: 'lastmodifieddate', operator: 'GTE', value: String(T0 + 7) },
    ]);
    expect(result.records.map((r) => r.id)).toEqual(['1', '2', '3']);
    expect(result.pages[0]!.checkpoint).toEqual({ mode: 'search', ts: T0 + 7 });
  });

  it('when 10,000 records share one millisecond, reads that millisecond by hs_object_id, then goes on after it', async () => {
    const captured = new Captured();
    const path = '/crm/v3/objects/contacts/search';
    const T = T0 + 3;
    nock(API)
      .post(path, captured.take(path))
      .reply(200, {
        total: 12_000,
        results: [hsObject(5, iso(T)), hsObject(9, iso(T))],
        paging: { next: { after: '10000' } },
      })
      .post(path, captured.take(path))
      .reply(200, {
        total: 3,
        results: [hsObject(5, iso(T)), hsObject(6, iso(T))],
        paging: { next: { after: '10000' } },
      })
      .post(path, captured.take(path))
      .reply(200, { total: 1, results: [hsObject(9, iso(T)), hsObject(12, iso(T))] })
      .post(path, captured.take(path))
      .reply(200, { total: 1, results: [hsObject(13, iso(T + 4))] });
    const result = await readAll('contacts', nockSettings(), { mode: 'search', ts: T, after: '9800' });
    expect(captured.validate(CONTACTS_SPEC, 'post', path, path)).toBe(4);
    const bodies = captured.bodies.map((b) => b.body as SearchBody);
    expect(bodies[1]!.filterGroups[0]!.filters).toEqual([
      { propertyName: 'lastmodifieddate', operator: 'EQ', value: String(T) },
      { propertyName: 'hs_object_id', operator: 'GT', value: '0' },
    ]);
    expect(bodies[1]!.sorts).toEqual(['hs_object_id']);
    expect(bodies[2]!.filterGroups[0]!.filters[1]).toEqual({
      propertyName: 'hs_object_id',
      operator: 'GT',
      value: '6',
    });
    expect(bodies[3]!.filterGroups[0]!.filters).toEqual([
      { propertyName: 'lastmodifieddate', operator: 'GTE', value: String(T + 1) },
    ]);
    expect(result.records.map((r) => r.id)).toEqual(['5', '9', '6', '12', '13']);
    expect(result.pages.slice(0, 3).map((p) => p.checkpoint)).toEqual([
      { mode: 'search', ts: T, id: '0' },
      { mode: 'search', ts: T, id: '6' },
      { mode: 'search', ts: T + 1 },
    ]);
    expect((result.pages[3]!.checkpoint as { ts: number }).ts).toBeGreaterThan(T + 4);
  });

  it('a checkpoint in the crowded millisecond resumes with the id query', async () => {
    const captured = new Captured();
    const path = '/crm/v3/objects/contacts/search';
    nock(API)
      .post(path, captured.take(path))
      .reply(200, { total: 0, results: [] })
      .post(path, captured.take(path))
      .reply(200, { total: 0, results: [] });
    await readAll('contacts', nockSettings(), { mode: 'search', ts: T0, id: '4500', after: '400' });
    const body = captured.bodies[0]!.body as SearchBody;
    expect(body.after).toBe('400');
    expect(body.filterGroups[0]!.filters[1]).toEqual({ propertyName: 'hs_object_id', operator: 'GT', value: '4500' });
  });
});

describe('deals and companies streams', () => {
  it('deals search the 0-3 path on hs_lastmodifieddate and carry their line items', async () => {
    const captured = new Captured();
    const search = '/crm/v3/objects/0-3/search';
    const assoc = '/crm/v4/associations/deals/line_items/batch/read';
    const items = '/crm/v3/objects/line_items/batch/read';
    const contacts = '/crm/v4/associations/deals/contacts/batch/read';
    const people = '/crm/v3/objects/contacts/batch/read';
    nock(API)
      .post(search, captured.take(search))
      .reply(200, {
        total: 2,
        results: [
          hsObject(301, iso(T0), { dealname: 'A', external_deal_id: 'X-1', customer_email: 'own@example.com' }),
          hsObject(302, iso(T0 + 1)),
        ],
      })
      .post(assoc, captured.take(assoc))
      .reply(207, {
        status: 'COMPLETE',
        results: [{ from: { id: '301' }, to: [{ toObjectId: 401, associationTypes: [] }, { toObjectId: 402 }] }],
        errors: [
          { status: 'error', category: 'OBJECT_NOT_FOUND', message: 'none', context: { fromObjectId: ['302'] } },
        ],
      })
      .post(items, captured.take(items))
      .reply(200, {
        status: 'COMPLETE',
        results: [
          { id: '401', properties: { name: 'Seat', quantity: '2' } },
          { id: '402', properties: { name: 'Support', quantity: '1' } },
        ],
      })
      // deal 301 has its own customer_email property: only 302's contact is looked up
      .post(contacts, captured.take(contacts))
      .reply(200, { status: 'COMPLETE', results: [{ from: { id: '302' }, to: [{ toObjectId: 1001 }] }] })
      .post(people, captured.take(people))
      .reply(200, { status: 'COMPLETE', results: [hsObject(1001, iso(T0), { email: 'buyer@example.com' })] });
    const result = await readAll('deals', nockSettings(), { mode: 'search', ts: T0 });
    expect(captured.validate(DEALS_SPEC, 'post', '/crm/v3/objects/0-3/search', search)).toBe(1);
    expect(
      captured.validate('hubspot/crm-line-items-v3.json', 'post', '/crm/v3/objects/line_items/batch/read', items),
    ).toBe(1);
    const body = captured.bodies[0]!.body as SearchBody;
    expect(body.filterGroups[0]!.filters[0]!.propertyName).toBe('hs_lastmodifieddate');
    expect(body.properties).toContain('external_deal_id');
    expect(captured.bodies[1]!.body).toEqual({ inputs: [{ id: '301' }, { id: '302' }] });
    expect((captured.bodies[2]!.body as { properties: string[] }).properties).toEqual(LINE_ITEM_PROPERTIES);
    expect(body.properties).toContain('customer_email');
    expect(captured.bodies[3]!.body).toEqual({ inputs: [{ id: '302' }] });
    expect(captured.validate('hubspot/crm-contacts-v3.json', 'post', people, people)).toBe(1);
    expect(result.records.map((r) => (r.properties as Record<string, unknown>).customer_email)).toEqual([
      'own@example.com',
      'buyer@example.com',
    ]);
    expect(result.records).toEqual([
      expect.objectContaining({
        id: '301',
        lineItems: [
          { id: '401', properties: { name: 'Seat', quantity: '2' } },
          { id: '402', properties: { name: 'Support', quantity: '1' } },
        ],
      }),
      expect.objectContaining({ id: '302', lineItems: [] }),
    ]);
  });

  it('the deal id property follows the settings', async () => {
    nock(API)
      .get('/crm/v3/objects/0-3')
      .query((q) => String(q.properties).split(',').includes('erp_order_id'))
      .reply(200, { results: [] });
    const result = await readAll('deals', nockSettings({ dealIdProperty: 'erp_order_id' }));
    expect(result.records).toEqual([]);
  });

  it('companies list name, domain, city, country', async () => {
    nock(API)
      .get('/crm/v3/objects/companies')
      .query({ limit: '100', properties: 'name,domain,city,country,hs_lastmodifieddate', archived: 'false' })
      .reply(200, { results: [hsObject(2001, iso(T0), { name: 'Acme', domain: 'acme.example' })] });
    const result = await readAll('companies', nockSettings());
    expect(result.records).toEqual([
      expect.objectContaining({ id: '2001', properties: expect.objectContaining({ name: 'Acme' }) }),
    ]);
  });
});
