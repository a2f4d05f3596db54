import connector from '../../../connectors/hubspot';
import { startSandbox, type HubSpotSandbox } from '../../../connectors/hubspot/sandbox';
import type { Json } from '../../../core/sdk';
import { connection, readAll, write } from './helpers';

async function call(sandbox: HubSpotSandbox, method: string, path: string, body?: unknown, token = 'sandbox-token') {
  const response = await fetch(`${sandbox.url}${path}`, {
    method,
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  const text = await response.text();
  return {
    status: response.status,
    headers: response.headers,
    body: text ? (JSON.parse(text) as Record<string, unknown>) : undefined,
  };
}

describe('HubSpot sandbox: the rules the connector relies on', () => {
  let sandbox: HubSpotSandbox;
  beforeAll(async () => {
    sandbox = await startSandbox({ seedContacts: 300, seed: 7, tier: 'free' });
  });
  afterAll(() => sandbox.close());

  it('seeds messy contacts as HubSpot properties (full names in firstname, consent as text)', () => {
    expect(sandbox.contacts.size).toBeGreaterThan(250);
    expect(sandbox.contacts.size).toBeLessThanOrEqual(300);
    const all = [...sandbox.contacts.values()];
    expect(all.every((c) => ['true', 'false'].includes(c.properties.marketing_consent!))).toBe(true);
    expect(all.some((c) => c.properties.firstname?.includes(' ') && c.properties.lastname === undefined)).toBe(true);
    expect(all.every((c) => c.properties.lifecyclestage !== undefined)).toBe(true);
    expect(sandbox.companies.size).toBeGreaterThan(0);
  });

  it('refuses a wrong token with a HubSpot-like 401 body', async () => {
    const reply = await call(sandbox, 'GET', '/crm/v3/objects/contacts?limit=1', undefined, 'wrong');
    expect(reply.status).toBe(401);
    expect(reply.body).toMatchObject({ status: 'error', category: 'INVALID_AUTHENTICATION' });
    const result = await connector.check(connection({ ...sandbox.settings, accessToken: 'wrong-secret-token' }));
    expect(result.ok).toBe(false);
    expect(result.message).not.toContain('wrong-secret-token');
  });

  it('refuses search offsets of 10,000 and more with 400, and batches over 100 inputs', async () => {
    const search = await call(sandbox, 'POST', '/crm/v3/objects/contacts/search', { limit: 200, after: '10000' });
    expect(search.status).toBe(400);
    expect(search.body).toMatchObject({ status: 'error', category: 'VALIDATION_ERROR' });
    const inputs = Array.from({ length: 101 }, (_, i) => ({
      id: `p${i}@example.com`,
      idProperty: 'email',
      properties: {},
    }));
    const upsert = await call(sandbox, 'POST', '/crm/v3/objects/contacts/batch/upsert', { inputs });
    expect(upsert.status).toBe(400);
    expect(upsert.body).toMatchObject({ status: 'error', category: 'VALIDATION_ERROR' });
  });

  it('answers 207 listing the invalid inputs of a batch upsert', async () => {
    const reply = await call(sandbox, 'POST', '/crm/v3/objects/contacts/batch/upsert', {
      inputs: [
        { id: 'fine@example.com', idProperty: 'email', properties: { firstname: 'Fine' } },
        { id: 'broken-address', idProperty: 'email', properties: {} },
      ],
    });
    expect(reply.status).toBe(207);
    expect(reply.body).toMatchObject({
      numErrors: 1,
      results: [
        expect.objectContaining({ new: true, properties: expect.objectContaining({ email: 'fine@example.com' }) }),
      ],
      errors: [expect.objectContaining({ category: 'VALIDATION_ERROR', context: { ids: ['broken-address'] } })],
    });
  });

  it('limits search to 5 requests a second with HubSpot SECONDLY body', async () => {
    const replies = await Promise.all(
      Array.from({ length: 12 }, () => call(sandbox, 'POST', '/crm/v3/objects/contacts/search', { limit: 1 })),
    );
    const limited = replies.filter((r) => r.status === 429);
    expect(limited.length).toBeGreaterThan(0);
    expect(limited[0]!.body).toMatchObject({
      status: 'error',
      message: 'You have reached your secondly limit.',
      errorType: 'RATE_LIMIT',
      policyName: 'SECONDLY',
    });
    // search answers carry no rate-limit headers
    expect(replies.find((r) => r.status === 200)!.headers.get('x-hubspot-ratelimit-max')).toBeNull();
  });

  it('enforces the tier burst per 10 s with TEN_SECONDLY_ROLLING and X-HubSpot-RateLimit headers', async () => {
    const replies = await Promise.all(
      Array.from({ length: 110 }, () => call(sandbox, 'GET', '/crm/v3/objects/contacts?limit=1')),
    );
    const ok = replies.find((r) => r.status === 200)!;
    expect(ok.headers.get('x-hubspot-ratelimit-max')).toBe('100');
    expect(ok.headers.get('x-hubspot-ratelimit-interval-milliseconds')).toBe('10000');
    const limited = replies.filter((r) => r.status === 429);
    expect(limited.length).toBeGreaterThanOrEqual(10);
    expect(limited[0]!.body).toMatchObject({ policyName: 'TEN_SECONDLY_ROLLING', errorType: 'RATE_LIMIT' });
    expect(limited[0]!.headers.get('x-hubspot-ratelimit-remaining')).toBe('0');
  });
});

describe('HubSpot connector against the sandbox', () => {
  let sandbox: HubSpotSandbox;
  beforeAll(async () => {
    sandbox = await startSandbox({ seedContacts: 450, seed: 11, enforceLimits: false });
  });
  afterAll(() => sandbox.close());

  it('backfills every contact exactly once through the list endpoint, then reads changes by search', async () => {
    const first = await readAll('contacts', sandbox.settings);
    const ids = first.records.map((r) => r.id);
    expect(new Set(ids).size).toBe(sandbox.contacts.size);
    expect(ids.length).toBe(sandbox.contacts.size);
    expect(sandbox.server.count({ route: 'GET /crm/v3/objects/:object' })).toBe(Math.ceil(sandbox.contacts.size / 100));
    expect(first.checkpoint).toMatchObject({ mode: 'search' });
    // nothing changed: the rerun is one search request over the look-back window, and reads nothing older
    const searches = () => sandbox.server.count({ route: 'POST /crm/v3/objects/:object/search' });
    const before = searches();
    const idle = await readAll('contacts', sandbox.settings, first.checkpoint);
    expect(searches() - before).toBe(1);
    expect(idle.records).toHaveLength(0);
    const edited = await sandbox.updateContact('1005', { city: 'Москва' });
    const next = await readAll('contacts', sandbox.settings, idle.checkpoint);
    expect(next.records.map((r) => r.id)).toContain('1005');
    expect(next.records.find((r) => r.id === '1005')).toMatchObject({
      properties: expect.objectContaining({ city: 'Москва' }),
      updatedAt: new Date(edited.updatedAt).toISOString(),
    });
  });

  it('upsertContacts creates and updates, failing only the invalid record; deleteContact erases', async () => {
    const existing = [...sandbox.contacts.values()][3]!;
    const outcomes = await write('upsertContacts', sandbox.settings, [
      { email: 'fresh@example.com', properties: { firstname: 'Fresh', marketing_consent: false } },
      { email: existing.properties.email!.trim().toUpperCase(), properties: { lifecyclestage: 'customer' } },
      { email: 'bad@example.com', properties: { email_subscription_status: 'maybe' } },
    ]);
    expect(outcomes[0]).toMatchObject({ status: 'ok', operation: 'created' });
    expect(outcomes[1]).toEqual({ status: 'ok', targetId: existing.id, operation: 'updated' });
    expect(outcomes[2]).toMatchObject({
      status: 'failed',
      failure: 'permanent',
      reason: expect.stringContaining('maybe'),
    });
    expect(sandbox.contacts.get(existing.id)!.properties.lifecyclestage).toBe('customer');
    const id = (outcomes[0] as { targetId: string }).targetId;
    expect(sandbox.contacts.get(id)!.properties.marketing_consent).toBe('false');
    expect(await write('deleteContact', sandbox.settings, [{ email: 'fresh@example.com' }])).toEqual([
      { status: 'ok', targetId: 'fresh@example.com', operation: 'deleted' },
    ]);
    expect(sandbox.contacts.get(id)).toBeUndefined();
  });

  it('upsertDeals replaces line items on a second run instead of adding more; the deals stream reads them', async () => {
    const record = {
      externalId: 'ORD-1',
      properties: { dealname: 'Order 1', amount: 120 },
      lineItems: [
        { properties: { name: 'Seat', quantity: 2, price: 50 } },
        { properties: { name: 'Support', price: 20 } },
      ],
    };
    const first = await write('upsertDeals', sandbox.settings, [record]);
    expect(first).toEqual([{ status: 'ok', targetId: expect.any(String), operation: 'created' }]);
    const dealId = (first[0] as { targetId: string }).targetId;
    expect(sandbox.lineItemsOf(dealId)).toHaveLength(2);
    const second = await write('upsertDeals', sandbox.settings, [
      { ...record, lineItems: [{ properties: { name: 'Seat', quantity: 3 } }] },
    ]);
    expect(second).toEqual([{ status: 'ok', targetId: dealId, operation: 'updated' }]);
    expect(sandbox.lineItemsOf(dealId)).toHaveLength(1);
    expect(sandbox.lineItems.size).toBe(1);
    const read = await readAll('deals', sandbox.settings);
    expect(read.records).toEqual([
      expect.objectContaining({
        id: dealId,
        properties: expect.objectContaining({ dealname: 'Order 1', external_deal_id: 'ORD-1' }),
        lineItems: [expect.objectContaining({ properties: expect.objectContaining({ name: 'Seat', quantity: '3' }) })],
      }),
    ]);
    const invalid = await write('upsertDeals', sandbox.settings, [
      { externalId: 'ORD-2', properties: { amount: 'lots' } },
    ]);
    expect(invalid).toEqual([{ status: 'failed', failure: 'permanent', reason: expect.stringContaining('lots') }]);
  });
});

describe('HubSpot connector against a sandbox that enforces the limits', () => {
  let sandbox: HubSpotSandbox;
  beforeAll(async () => {
    sandbox = await startSandbox({ seedContacts: 1_500, seed: 3 });
  });
  afterAll(() => sandbox.close());

  it('keeps CRM search under 5 requests a second on its own: no 429 over a read of several pages', async () => {
    expect(sandbox.settings.searchRateLimit).toBeUndefined();
    const result = await readAll('contacts', { ...sandbox.settings, lookbackMs: 0 }, { mode: 'search', ts: 0 });
    expect(result.records).toHaveLength(sandbox.contacts.size);
    expect(sandbox.server.count({ route: 'POST /crm/v3/objects/:object/search' })).toBeGreaterThan(5);
    expect(sandbox.server.count({ status: 429 })).toBe(0);
  });

  it('a cancelled connection stops the read with a retryable error', async () => {
    const controller = new AbortController();
    controller.abort();
    const read = connector.streams[0]!.read({
      connection: { ...connection(sandbox.settings), signal: controller.signal },
      checkpoint: null,
    });
    await expect(read[Symbol.asyncIterator]().next()).rejects.toMatchObject({ kind: 'retryable' });
  });
});

describe('incremental search past the 10,000-result cap', () => {
  const T = Date.UTC(2026, 3, 1, 12);
  let sandbox: HubSpotSandbox;
  beforeAll(async () => {
    sandbox = await startSandbox({ enforceLimits: false });
    // 13,000 contacts over 26 distinct milliseconds around T, and 12,000 more inside the single millisecond T
    for (let i = 0; i < 13; i++) {
      sandbox.addContacts(500, { modifiedAt: T - 13 + i, prefix: `before${i}-` });
      sandbox.addContacts(500, { modifiedAt: T + 1 + i, prefix: `after${i}-` });
    }
    sandbox.addContacts(12_000, { modifiedAt: T, prefix: 'crowd-' });
  });
  afterAll(() => sandbox.close());

  const settings = () => ({ ...sandbox.settings, lookbackMs: 0 });
  const start: Json = { mode: 'search', ts: T - 60_000 };

  it('reads all 25,000 contacts exactly once, 12,000 of them sharing one millisecond', async () => {
    expect(sandbox.contacts.size).toBe(25_000);
    const result = await readAll('contacts', settings(), start);
    const ids = result.records.map((r) => r.id as string);
    expect(ids).toHaveLength(25_000);
    expect(new Set(ids).size).toBe(25_000);
    expect(sandbox.server.count({ status: 400 })).toBe(0);
    // lookbackMs 0: the read's own start, past every record read
    expect((result.checkpoint as { ts: number }).ts).toBeGreaterThan(T + 13);
    // the crowded millisecond was read by id
    expect(result.pages.some((p) => (p.checkpoint as { id?: string }).id !== undefined)).toBe(true);
  });

  it('a read resumed from a mid-read checkpoint yields the rest', async () => {
    const head = await readAll('contacts', settings(), start, { maxPages: 70 });
    expect(head.checkpoint).toMatchObject({ mode: 'search', ts: T });
    const rest = await readAll('contacts', settings(), head.checkpoint);
    const all = new Set([...head.records, ...rest.records].map((r) => r.id as string));
    expect(all.size).toBe(25_000);
    expect(rest.records.length).toBeLessThan(25_000 - head.records.length + 10_001);
    expect(new Set(rest.records.map((r) => r.id)).size).toBe(rest.records.length);
  });
});
