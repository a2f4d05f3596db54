import connector from '../../../connectors/hubspot';
import { startSandbox, type HubSpotSandbox } from '../../../connectors/hubspot/sandbox';
import { createRegistry } from '../../../core/registry';
import { checkConnectorConformance, describeConnectorConformance } from '../../../core/sdk/testing';

// The same kit a partner runs against a plugin, run against the HubSpot connector pointed at its sandbox.
let sandbox: HubSpotSandbox;
beforeAll(async () => {
  sandbox = await startSandbox({ seedContacts: 420, seed: 5 });
});
afterAll(() => sandbox.close());

describeConnectorConformance(connector, {
  settings: () => sandbox.settings,
  maxPages: 3,
  sampleRecords: {
    upsertContacts: [
      { email: 'conformance@example.com', properties: { firstname: 'Conform', marketing_consent: true } },
      { email: 'not-an-address', properties: {} },
    ],
    upsertDeals: [
      {
        externalId: 'CONF-1',
        properties: { dealname: 'Conformance', amount: 10 },
        lineItems: [{ properties: { name: 'Item' } }],
      },
    ],
    deleteContact: [{ email: 'conformance@example.com' }],
  },
});

describe('hubspot connector definition', () => {
  it('passes the static conformance checks', () => {
    expect(checkConnectorConformance(connector)).toEqual({ ok: true, problems: [] });
  });

  it('is discovered by the registry from connectors/hubspot', async () => {
    const registry = await createRegistry({ plugins: [] });
    const described = registry.describe('hubspot');
    expect(described).toMatchObject({ id: 'hubspot', category: 'crm', source: 'builtin' });
    expect(described.streams.map((s) => s.name)).toEqual(['contacts', 'deals', 'companies']);
    expect(described.actions.map((a) => a.name)).toEqual(['upsertContacts', 'upsertDeals', 'deleteContact']);
    expect(described.settingsSchema).toMatchObject({
      properties: { accessToken: { 'x-secret': true }, clientSecret: { 'x-secret': true } },
    });
  });
});
