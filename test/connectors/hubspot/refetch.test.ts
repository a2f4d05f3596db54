import nock from 'nock';
import { CONTACT_PROPERTIES } from '../../../connectors/hubspot/streams/objects';
import { AuthError } from '../../../core/sdk';
import { API, Captured, connection, hsObject, nockSettings, streamNamed } from './helpers';
import { setupNock } from './nock-setup';

setupNock();

/** A replay reads HubSpot records again by id: `POST /crm/v3/objects/<type>/batch/read`. */

const T = '2026-03-01T00:00:00.000Z';

function refetch(stream: string, sources: Record<string, unknown>[]) {
  const fn = streamNamed(stream).refetch;
  if (fn === undefined) throw new Error(`stream ${stream} must offer refetch`);
  return fn({
    connection: connection(nockSettings()),
    records: sources.map((source) => ({ key: String(source.id ?? ''), source })),
  });
}

describe('HubSpot streams: refetch by id for replays', () => {
  it('contacts: one batch read with the stream properties; found, missing (deleted) and unsupported (no id)', async () => {
    const captured = new Captured();
    nock(API)
      .post('/crm/v3/objects/contacts/batch/read', captured.take('/crm/v3/objects/contacts/batch/read'))
      .reply(207, {
        status: 'COMPLETE',
        results: [hsObject(1, T, { email: 'fixed@example.com' })],
        errors: [{ status: 'error', category: 'OBJECT_NOT_FOUND', message: 'Could not get some CONTACT objects' }],
      });
    const result = await refetch('contacts', [{ id: '1', properties: { email: null } }, { id: '2' }, { name: 'x' }]);
    expect(result).toEqual([
      {
        status: 'found',
        record: expect.objectContaining({
          id: '1',
          properties: expect.objectContaining({ email: 'fixed@example.com' }),
        }),
      },
      { status: 'missing', reason: 'HubSpot has no contacts record 2 any more (deleted or archived)' },
      { status: 'unsupported' },
    ]);
    expect(
      captured.validate(
        'hubspot/crm-contacts-v3.json',
        'post',
        '/crm/v3/objects/contacts/batch/read',
        '/crm/v3/objects/contacts/batch/read',
      ),
    ).toBe(1);
    expect(captured.bodies[0].body).toEqual({
      inputs: [{ id: '1' }, { id: '2' }],
      properties: CONTACT_PROPERTIES,
      propertiesWithHistory: [],
    });
  });

  it('companies and deals (with their line items and customer e-mail) are read again the same way', async () => {
    nock(API)
      .post('/crm/v3/objects/companies/batch/read')
      .reply(200, { status: 'COMPLETE', results: [hsObject(7, T, { name: 'Acme' })] })
      .post('/crm/v3/objects/0-3/batch/read')
      .reply(200, { status: 'COMPLETE', results: [hsObject(9, T, { dealname: 'Big' })] })
      .post('/crm/v4/associations/deals/line_items/batch/read')
      .reply(200, { results: [{ from: { id: '9' }, to: [{ toObjectId: 55 }] }] })
      .post('/crm/v3/objects/line_items/batch/read')
      .reply(200, { results: [{ id: '55', properties: { name: 'Widget', quantity: '2' } }] })
      .post('/crm/v4/associations/deals/contacts/batch/read')
      .reply(200, { results: [{ from: { id: '9' }, to: [{ toObjectId: 1001 }] }] })
      .post('/crm/v3/objects/contacts/batch/read')
      .reply(200, { results: [{ id: '1001', properties: { email: 'buyer@example.com' } }] });
    expect(await refetch('companies', [{ id: 7 }])).toEqual([
      {
        status: 'found',
        record: expect.objectContaining({ id: '7', properties: expect.objectContaining({ name: 'Acme' }) }),
      },
    ]);
    expect(await refetch('deals', [{ id: '9' }])).toEqual([
      {
        status: 'found',
        record: expect.objectContaining({
          id: '9',
          properties: expect.objectContaining({ customer_email: 'buyer@example.com' }),
          lineItems: [{ id: '55', properties: { name: 'Widget', quantity: '2' } }],
        }),
      },
    ]);
  });

  it('a refused token is an auth error (the replay stops and says so)', async () => {
    nock(API).post('/crm/v3/objects/contacts/batch/read').reply(401, { status: 'error', message: 'expired' });
    await expect(refetch('contacts', [{ id: '1' }])).rejects.toBeInstanceOf(AuthError);
  });
});
