import connector from '../../../connectors/hubspot';
import { CONFORMANCE_SANDBOX, conformanceOptions } from '../../../connectors/hubspot/conformance';
import { startSandbox, type HubSpotSandbox } from '../../../connectors/hubspot/sandbox';
import { createRegistry } from '../../../core/registry';
import { checkConnectorConformance, describeConnectorConformance } from '../../../core/sdk/testing';

// The same kit a partner runs against a plugin, run against the HubSpot connector pointed at its sandbox, with the
// options `hub plugins check hubspot` uses.
let sandbox: HubSpotSandbox;
const { options, closeLimited } = conformanceOptions(() => sandbox);
beforeAll(async () => {
  sandbox = await startSandbox(CONFORMANCE_SANDBOX);
});
afterAll(async () => {
  await closeLimited();
  await sandbox.close();
});

describeConnectorConformance(connector, options);

describe('hubspot connector definition', () => {
  it('passes the static conformance checks', () => {
    expect(checkConnectorConformance(connector)).toEqual({ ok: true, problems: [] });
  });

  it('is discovered by the registry from connectors/hubspot', async () => {
    const registry = await createRegistry({ plugins: [] });
    const described = registry.describe('hubspot');
    expect(described).toMatchObject({ id: 'hubspot', category: 'crm', source: 'builtin' });
    expect(described.streams.map((s) => s.name)).toEqual(['contacts', 'deals', 'companies']);
    expect(described.actions.map((a) => a.name)).toEqual([
      'upsertContacts',
      'upsertDeals',
      'archiveContacts',
      'deleteContact',
    ]);
    expect(described.settingsSchema).toMatchObject({
      properties: { accessToken: { 'x-secret': true }, clientSecret: { 'x-secret': true } },
    });
  });
});
