import nock from 'nock';
import { startSandbox, type HubSpotSandbox } from '../../../connectors/hubspot/sandbox';
import { API, hsObject, nockSettings, readAll } from './helpers';
import { setupNock } from './nock-setup';

/** customer_email on deals: the deal's own property wins, else its (primary) associated contact's e-mail. */

const emailsOf = (records: Record<string, unknown>[]) =>
  Object.fromEntries(records.map((r) => [r.id, (r.properties as Record<string, string | null>).customer_email]));

describe('deals stream: the customer e-mail through the associations (sandbox)', () => {
  let sandbox: HubSpotSandbox;
  beforeEach(async () => {
    sandbox = await startSandbox({ enforceLimits: false });
  });
  afterEach(() => sandbox.close());

  it('each deal carries the e-mail of its contact; the Primary one among several; none: null', async () => {
    const contact = (email: string | undefined) => sandbox.contacts.create(email === undefined ? {} : { email }).id;
    const buyer = contact('buyer@example.com');
    const colleague = contact('colleague@example.com');
    const noEmail = contact(undefined);
    const deal = (name: string) => sandbox.deals.create({ dealname: name, dealstage: 'closedwon' }).id;
    const single = deal('single');
    const several = deal('several');
    const firstWithEmail = deal('first with e-mail');
    const alone = deal('no contact');
    const own = sandbox.deals.create({ dealname: 'own', customer_email: 'set.by.hand@example.com' }).id;
    sandbox.associateContact(single, buyer);
    sandbox.associateContact(several, colleague);
    sandbox.associateContact(several, buyer, { primary: true });
    sandbox.associateContact(firstWithEmail, noEmail);
    sandbox.associateContact(firstWithEmail, colleague);
    sandbox.associateContact(own, buyer);
    const { records } = await readAll('deals', sandbox.settings);
    expect(emailsOf(records)).toEqual({
      [single]: 'buyer@example.com',
      [several]: 'buyer@example.com',
      [firstWithEmail]: 'colleague@example.com',
      [alone]: null,
      [own]: 'set.by.hand@example.com',
    });
    // counted in the sandbox: one association read and one contact read for the page, not one per deal
    expect(sandbox.server.count({ route: 'POST /crm/v4/associations/:from/:to/batch/read' })).toBe(2);
    expect(sandbox.server.count({ route: 'POST /crm/v3/objects/:object/batch/read' })).toBe(1);
  });

  it('a deal created with a contact association (type 3) is read with that contact e-mail', async () => {
    const buyer = sandbox.contacts.create({ email: 'new.buyer@example.com' }).id;
    const response = await fetch(`${sandbox.url}/crm/v3/objects/deals/batch/create`, {
      method: 'POST',
      headers: { authorization: 'Bearer sandbox-token', 'content-type': 'application/json' },
      body: JSON.stringify({
        inputs: [
          {
            properties: { dealname: 'via API', dealstage: 'closedwon' },
            associations: [
              { to: { id: buyer }, types: [{ associationCategory: 'HUBSPOT_DEFINED', associationTypeId: 3 }] },
            ],
          },
        ],
      }),
    });
    expect(response.status).toBe(201);
    const { records } = await readAll('deals', sandbox.settings);
    expect(Object.values(emailsOf(records))).toEqual(['new.buyer@example.com']);
  });
});

describe('deals stream: the customer e-mail (nock)', () => {
  setupNock();

  it('chunks lookups by 100 and takes the contact labelled Primary before the first listed', async () => {
    const T0 = '2026-03-01T00:00:00.000Z';
    const deals = Array.from({ length: 101 }, (_, i) => hsObject(5000 + i, T0, { dealname: `D${i}` }));
    const assocBodies: { inputs: { id: string }[] }[] = [];
    nock(API)
      .get('/crm/v3/objects/0-3')
      .query(true)
      .reply(200, { results: deals })
      .post('/crm/v4/associations/deals/line_items/batch/read')
      .times(2)
      .reply(200, { results: [] })
      .post('/crm/v4/associations/deals/contacts/batch/read', (body: { inputs: { id: string }[] }) => {
        assocBodies.push(body);
        return true;
      })
      .times(2)
      .reply(200, {
        status: 'COMPLETE',
        results: deals.map(({ id }) => ({
          from: { id },
          to: [
            { toObjectId: 1, associationTypes: [{ category: 'HUBSPOT_DEFINED', typeId: 3, label: null }] },
            {
              toObjectId: 2,
              associationTypes: [
                { category: 'HUBSPOT_DEFINED', typeId: 3, label: null },
                { category: 'USER_DEFINED', typeId: 7, label: 'Primary' },
              ],
            },
          ],
        })),
      })
      .post('/crm/v3/objects/contacts/batch/read', (body: { inputs: { id: string }[]; properties: string[] }) => {
        return body.properties.join() === 'email' && body.inputs.length === 2;
      })
      .reply(200, {
        status: 'COMPLETE',
        results: [hsObject(1, T0, { email: 'other@example.com' }), hsObject(2, T0, { email: 'primary@example.com' })],
      });
    const { records } = await readAll('deals', nockSettings());
    expect(records).toHaveLength(101);
    expect(assocBodies.map((b) => b.inputs.length)).toEqual([100, 1]);
    expect(new Set(Object.values(emailsOf(records)))).toEqual(new Set(['primary@example.com']));
  });
});
