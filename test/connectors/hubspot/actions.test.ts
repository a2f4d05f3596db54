import nock from 'nock';
import { API, Captured, TOKEN, nockSettings, write } from './helpers';
import { setupNock } from './nock-setup';

setupNock();

const CONTACTS_SPEC = 'hubspot/crm-contacts-v3.json';
const DEALS_SPEC = 'hubspot/crm-deals-v3.json';
const LINE_ITEMS_SPEC = 'hubspot/crm-line-items-v3.json';
const UPSERT = '/crm/v3/objects/contacts/batch/upsert';

const upserted = (id: string, email: string, isNew: boolean) => ({
  id,
  properties: { email, hs_object_id: id },
  createdAt: '2026-01-01T00:00:00.000Z',
  updatedAt: '2026-01-01T00:00:00.000Z',
  archived: false,
  new: isNew,
});

describe('upsertContacts', () => {
  it('batch-upserts by email with text values; new → created, else updated, in input order', async () => {
    const captured = new Captured();
    nock(API)
      .post(UPSERT, captured.take(UPSERT))
      .reply(200, {
        status: 'COMPLETE',
        // HubSpot does not promise the input order
        results: [upserted('12', 'b@example.com', false), upserted('11', 'a@example.com', true)],
        startedAt: '2026-01-01T00:00:00Z',
        completedAt: '2026-01-01T00:00:00Z',
      });
    const outcomes = await write('upsertContacts', nockSettings(), [
      { email: ' A@Example.com ', properties: { firstname: 'Ann', marketing_consent: true, score: 3, phone: null } },
      { email: 'b@example.com', properties: { lifecyclestage: 'lead' } },
    ]);
    expect(captured.validate(CONTACTS_SPEC, 'post', UPSERT, UPSERT)).toBe(1);
    expect(captured.bodies[0]!.body).toEqual({
      inputs: [
        {
          id: 'A@Example.com',
          idProperty: 'email',
          properties: { firstname: 'Ann', marketing_consent: 'true', score: '3', phone: '' },
        },
        { id: 'b@example.com', idProperty: 'email', properties: { lifecyclestage: 'lead' } },
      ],
    });
    expect(outcomes).toEqual([
      { status: 'ok', targetId: '11', operation: 'created' },
      { status: 'ok', targetId: '12', operation: 'updated' },
    ]);
  });

  it('maps 207 errors back to their inputs by the ids in their context', async () => {
    nock(API)
      .post(UPSERT)
      .reply(207, {
        status: 'COMPLETE',
        results: [upserted('21', 'good@example.com', true)],
        numErrors: 1,
        errors: [
          {
            status: 'error',
            category: 'VALIDATION_ERROR',
            message: 'Property values were not valid: Email address not-an-email@x is invalid',
            context: { ids: ['Not-An-Email@x'] },
            errors: [],
            links: {},
          },
        ],
        startedAt: '2026-01-01T00:00:00Z',
        completedAt: '2026-01-01T00:00:00Z',
      });
    const outcomes = await write('upsertContacts', nockSettings(), [
      { email: 'not-an-email@x', properties: {} },
      { email: 'good@example.com', properties: {} },
      { email: '', properties: {} },
    ]);
    expect(outcomes).toEqual([
      {
        status: 'failed',
        failure: 'permanent',
        reason: 'Property values were not valid: Email address not-an-email@x is invalid',
      },
      { status: 'ok', targetId: '21', operation: 'created' },
      { status: 'failed', failure: 'permanent', reason: '"" is not an e-mail address' },
    ]);
  });

  it('sends one input for addresses that differ only in case, both records sharing the outcome', async () => {
    const captured = new Captured();
    nock(API)
      .post(UPSERT, captured.take(UPSERT))
      .reply(200, {
        status: 'COMPLETE',
        results: [upserted('31', 'x@example.com', false)],
        startedAt: 'x',
        completedAt: 'x',
      });
    const outcomes = await write('upsertContacts', nockSettings(), [
      { email: 'x@example.com', properties: { firstname: 'X', city: 'Berlin' } },
      { email: 'X@EXAMPLE.COM', properties: { city: 'Paris' } },
    ]);
    expect((captured.bodies[0]!.body as { inputs: unknown[] }).inputs).toEqual([
      { id: 'x@example.com', idProperty: 'email', properties: { firstname: 'X', city: 'Paris' } },
    ]);
    expect(outcomes).toEqual([
      { status: 'ok', targetId: '31', operation: 'updated' },
      { status: 'ok', targetId: '31', operation: 'updated' },
    ]);
  });

  it('a whole-batch 400 fails every record permanently with the reason; 429 and 5xx are thrown for the runner', async () => {
    nock(API)
      .post(UPSERT)
      .reply(400, { status: 'error', message: 'Duplicate IDs found in batch input', category: 'VALIDATION_ERROR' });
    const outcomes = await write('upsertContacts', nockSettings(), [{ email: 'a@example.com', properties: {} }]);
    expect(outcomes).toEqual([
      { status: 'failed', failure: 'permanent', reason: expect.stringContaining('Duplicate IDs found in batch input') },
    ]);
    nock(API)
      .post(UPSERT)
      .reply(
        429,
        { status: 'error', policyName: 'TEN_SECONDLY_ROLLING' },
        { 'X-HubSpot-RateLimit-Interval-Milliseconds': '10000' },
      );
    await expect(
      write('upsertContacts', nockSettings(), [{ email: 'a@example.com', properties: {} }]),
    ).rejects.toMatchObject({
      kind: 'rate_limited',
      retryAfterMs: 10_000,
    });
    nock(API).post(UPSERT).reply(503, 'unavailable');
    await expect(
      write('upsertContacts', nockSettings(), [{ email: 'a@example.com', properties: {} }]),
    ).rejects.toMatchObject({
      kind: 'retryable',
    });
    nock(API).post(UPSERT).reply(401, { status: 'error', message: 'bad token' });
    const auth = write('upsertContacts', nockSettings(), [{ email: 'a@example.com', properties: {} }]);
    await expect(auth).rejects.toMatchObject({ kind: 'auth' });
    await auth.catch((error: Error) => expect(error.message).not.toContain(TOKEN));
  });
});

describe('upsertDeals', () => {
  const DEALS_UPSERT = '/crm/v3/objects/0-3/batch/upsert';
  const ASSOC = '/crm/v4/associations/deals/line_items/batch/read';
  const ARCHIVE = '/crm/v3/objects/line_items/batch/archive';
  const CREATE = '/crm/v3/objects/line_items/batch/create';
  const deal = (id: string, externalId: string, isNew: boolean, property = 'external_deal_id') => ({
    ...upserted(id, '', isNew),
    properties: { [property]: externalId, hs_object_id: id },
  });

  it('upserts by the deal id property, the last record of a repeated id winning; new deals get their line items', async () => {
    const captured = new Captured();
    nock(API)
      .post(DEALS_UPSERT, captured.take(DEALS_UPSERT))
      .reply(200, {
        status: 'COMPLETE',
        results: [deal('301', 'E-1', false), deal('302', 'E-2', true)],
        startedAt: 'x',
        completedAt: 'x',
      })
      .post(CREATE, captured.take(CREATE))
      .reply(201, { status: 'COMPLETE', results: [{ id: '412', properties: {} }], startedAt: 'x', completedAt: 'x' });
    const outcomes = await write('upsertDeals', nockSettings(), [
      { externalId: 'E-1', properties: { dealname: 'One', amount: 10 }, lineItems: [{ properties: { name: 'Seat' } }] },
      {
        externalId: 'E-2',
        properties: { dealname: 'Two' },
        lineItems: [{ properties: { name: 'Support', quantity: 2 } }],
      },
      { externalId: 'E-1', properties: { dealname: 'One again' } },
    ]);
    expect(captured.validate(DEALS_SPEC, 'post', DEALS_UPSERT, DEALS_UPSERT)).toBe(1);
    expect(captured.validate(LINE_ITEMS_SPEC, 'post', '/crm/v3/objects/line_items/batch/create', CREATE)).toBe(1);
    // HubSpot refuses duplicate ids in one batch: the last record for E-1 (without line items) is sent
    expect(captured.bodies[0]!.body).toEqual({
      inputs: [
        { id: 'E-1', idProperty: 'external_deal_id', properties: { dealname: 'One again', external_deal_id: 'E-1' } },
        { id: 'E-2', idProperty: 'external_deal_id', properties: { dealname: 'Two', external_deal_id: 'E-2' } },
      ],
    });
    // a new deal has no line items to replace: no association read, no archive
    expect(captured.bodies.map((b) => b.path)).toEqual([DEALS_UPSERT, CREATE]);
    expect(captured.bodies[1]!.body).toEqual({
      inputs: [
        {
          objectWriteTraceId: '1-0',
          properties: { name: 'Support', quantity: '2' },
          associations: [
            { to: { id: '302' }, types: [{ associationCategory: 'HUBSPOT_DEFINED', associationTypeId: 20 }] },
          ],
        },
      ],
    });
    expect(outcomes).toEqual([
      { status: 'ok', targetId: '301', operation: 'updated' },
      { status: 'ok', targetId: '302', operation: 'created' },
      { status: 'ok', targetId: '301', operation: 'updated' },
    ]);
  });

  it('replaces the line items of an existing deal: archive the old ones, create the new ones associated', async () => {
    const captured = new Captured();
    nock(API)
      .post(DEALS_UPSERT, captured.take(DEALS_UPSERT))
      .reply(200, {
        status: 'COMPLETE',
        results: [deal('301', 'E-1', false, 'erp_id')],
        startedAt: 'x',
        completedAt: 'x',
      })
      .post(ASSOC, captured.take(ASSOC))
      .reply(200, {
        status: 'COMPLETE',
        results: [{ from: { id: '301' }, to: [{ toObjectId: 401 }, { toObjectId: 402 }] }],
      })
      .post(ARCHIVE, captured.take(ARCHIVE))
      .reply(204)
      .post(CREATE, captured.take(CREATE))
      .reply(201, { status: 'COMPLETE', results: [{ id: '411', properties: {} }], startedAt: 'x', completedAt: 'x' });
    const outcomes = await write('upsertDeals', nockSettings({ dealIdProperty: 'erp_id' }), [
      { externalId: 'E-1', properties: { amount: 5 }, lineItems: [{ properties: { name: 'Seat', price: 2.5 } }] },
    ]);
    expect(captured.validate(LINE_ITEMS_SPEC, 'post', '/crm/v3/objects/line_items/batch/archive', ARCHIVE)).toBe(1);
    expect(captured.validate(LINE_ITEMS_SPEC, 'post', '/crm/v3/objects/line_items/batch/create', CREATE)).toBe(1);
    expect(captured.bodies.map((b) => b.path)).toEqual([DEALS_UPSERT, ASSOC, ARCHIVE, CREATE]);
    expect((captured.bodies[0]!.body as { inputs: { idProperty: string }[] }).inputs[0]!.idProperty).toBe('erp_id');
    expect(captured.bodies[2]!.body).toEqual({ inputs: [{ id: '401' }, { id: '402' }] });
    expect(captured.bodies[3]!.body).toEqual({
      inputs: [
        {
          objectWriteTraceId: '0-0',
          properties: { name: 'Seat', price: '2.5' },
          associations: [
            { to: { id: '301' }, types: [{ associationCategory: 'HUBSPOT_DEFINED', associationTypeId: 20 }] },
          ],
        },
      ],
    });
    expect(outcomes).toEqual(
      [{ status: 'failed', failure: 'retryable', reason: expect.any(String) }].length === 0 ? [] : outcomes,
    );
    expect(outcomes).toEqual([{ status: 'ok', targetId: '301', operation: 'updated' }]);
  });

  it('deal errors of a 207 and line item errors (by objectWriteTraceId) fail only their records', async () => {
    nock(API)
      .post(DEALS_UPSERT)
      .reply(207, {
        status: 'COMPLETE',
        results: [deal('302', 'E-2', true)],
        errors: [
          {
            status: 'error',
            category: 'VALIDATION_ERROR',
            message: 'amount is not a number',
            context: { ids: ['E-1'] },
          },
        ],
        startedAt: 'x',
        completedAt: 'x',
      })
      .post(CREATE)
      .reply(207, {
        status: 'COMPLETE',
        results: [],
        errors: [
          {
            status: 'error',
            category: 'VALIDATION_ERROR',
            message: 'price is not a number',
            context: { objectWriteTraceId: ['1-0'] },
          },
        ],
        startedAt: 'x',
        completedAt: 'x',
      });
    const outcomes = await write('upsertDeals', nockSettings(), [
      { externalId: 'E-1', properties: { amount: 'lots' } },
      { externalId: 'E-2', properties: {}, lineItems: [{ properties: { price: 'free' } }] },
    ]);
    expect(outcomes).toEqual([
      { status: 'failed', failure: 'permanent', reason: 'amount is not a number' },
      { status: 'failed', failure: 'permanent', reason: 'deal saved, line items failed: price is not a number' },
    ]);
  });
});

describe('deleteContact', () => {
  const GDPR = '/crm/v3/objects/contacts/gdpr-delete';

  it('GDPR-deletes by email: 204 → deleted', async () => {
    const captured = new Captured();
    nock(API).post(GDPR, captured.take(GDPR)).reply(204);
    const outcomes = await write('deleteContact', nockSettings(), [{ email: ' gone@example.com ' }]);
    expect(captured.validate(CONTACTS_SPEC, 'post', GDPR, GDPR)).toBe(1);
    expect(captured.bodies[0]!.body).toEqual({ objectId: 'gone@example.com', idProperty: 'email' });
    expect(outcomes).toEqual([{ status: 'ok', targetId: 'gone@example.com', operation: 'deleted' }]);
  });

  it('a 400 is a permanent failure of the record; a 5xx is thrown', async () => {
    nock(API).post(GDPR).reply(400, { status: 'error', message: 'objectId is required', category: 'VALIDATION_ERROR' });
    expect(await write('deleteContact', nockSettings(), [{ email: 'x' }])).toEqual([
      { status: 'failed', failure: 'permanent', reason: expect.stringContaining('objectId is required') },
    ]);
    nock(API).post(GDPR).reply(502);
    await expect(write('deleteContact', nockSettings(), [{ email: 'x@example.com' }])).rejects.toMatchObject({
      kind: 'retryable',
    });
  });
});
