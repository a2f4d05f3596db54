import connector from '../../../connectors/google';
import { conformanceOptions } from '../../../connectors/google/conformance';
import { startSandbox, type GoogleSandbox } from '../../../connectors/google/sandbox';
import { createRegistry } from '../../../core/registry';
import { checkConnectorConformance, describeConnectorConformance } from '../../../core/sdk/testing';

// The same kit a partner runs against a plugin, run against the Google connector pointed at its sandbox.
let sandbox: GoogleSandbox;
beforeAll(async () => {
  sandbox = await startSandbox({ seedDays: 30, seedLeads: 25, seed: 11 });
});
afterAll(async () => {
  await sandbox.close();
});

describeConnectorConformance(
  connector,
  conformanceOptions(() => sandbox),
);

describe('google connector definition', () => {
  it('passes the static conformance checks', () => {
    expect(checkConnectorConformance(connector)).toEqual({ ok: true, problems: [] });
  });

  it('is discovered by the registry from connectors/google, with secrets, endpoints and oauth2 declared', async () => {
    const registry = await createRegistry({ plugins: [] });
    expect(registry.problems.filter((p) => p.source.includes('google'))).toEqual([]);
    const described = registry.describe('google');
    expect(described.category).toBe('ads');
    expect(described.streams.map((s) => s.name)).toEqual(['campaignMetrics', 'leadFormSubmissions', 'audienceStatus']);
    expect(described.actions.map((a) => a.name)).toEqual([
      'sendConversions',
      'retractConversions',
      'addAudienceMembers',
      'removeAudienceMembers',
    ]);
    expect(described.actions.map((a) => [a.name, a.maxBatchSize])).toEqual([
      ['sendConversions', 2000],
      ['retractConversions', 2000],
      ['addAudienceMembers', 10000],
      ['removeAudienceMembers', 10000],
    ]);
    expect(described.policy.rateBudget).toEqual({ requests: 300, intervalMs: 60000 });
    expect(described.policy.lanes).toEqual({ ingestion: { requests: 300, intervalMs: 60000 } });
    const props = (described.settingsSchema as { properties: Record<string, Record<string, unknown>> }).properties;
    for (const secret of ['clientSecret', 'refreshToken', 'accessToken', 'developerToken'])
      expect(props[secret]!['x-secret']).toBe(true);
    for (const endpoint of ['tokenUrl', 'dataManagerUrl', 'adsApiUrl'])
      expect(props[endpoint]!['x-endpoint']).toBe(true);
    expect(connector.oauth2?.fields).toEqual({
      clientId: 'clientId',
      clientSecret: 'clientSecret',
      refreshToken: 'refreshToken',
      accessToken: 'accessToken',
      expiresAt: 'expiresAt',
    });
  });
});
