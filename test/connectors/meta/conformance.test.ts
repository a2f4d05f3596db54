import connector from '../../../connectors/meta';
import { clearMetaBackoff } from '../../../connectors/meta/client';
import { conformanceOptions } from '../../../connectors/meta/conformance';
import { startSandbox, type MetaSandbox } from '../../../connectors/meta/sandbox';
import { createRegistry } from '../../../core/registry';
import { checkConnectorConformance, describeConnectorConformance } from '../../../core/sdk/testing';

// The same kit a partner runs against a plugin, run against the Meta connector pointed at its sandbox.
let sandbox: MetaSandbox;
beforeAll(async () => {
  sandbox = await startSandbox({ leadsPerForm: 30, pageSize: 10, seed: 11 });
});
afterAll(async () => {
  await sandbox.close();
  clearMetaBackoff();
});

describeConnectorConformance(
  connector,
  conformanceOptions(() => sandbox),
);

describe('meta connector definition', () => {
  it('passes the static conformance checks', () => {
    expect(checkConnectorConformance(connector)).toEqual({ ok: true, problems: [] });
  });

  it('is discovered by the registry from connectors/meta, with its secrets marked and the base URL an endpoint', async () => {
    const registry = await createRegistry({ plugins: [] });
    expect(registry.problems.filter((p) => p.source.includes('meta'))).toEqual([]);
    const described = registry.describe('meta');
    expect(described.category).toBe('ads');
    expect(described.streams.map((s) => s.name)).toEqual(['leads', 'insights']);
    expect(described.actions.map((a) => a.name)).toEqual([
      'sendEvents',
      'addAudienceMembers',
      'removeAudienceMembers',
      'replaceAudience',
    ]);
    expect(described.webhooks.map((w) => w.name)).toEqual(['leadgen']);
    const props = (described.settingsSchema as { properties: Record<string, Record<string, unknown>> }).properties;
    for (const secret of ['accessToken', 'appSecret', 'verifyToken']) expect(props[secret]!['x-secret']).toBe(true);
    expect(props.baseUrl!['x-endpoint']).toBe(true);
    expect(Object.fromEntries(described.actions.map((a) => [a.name, a.maxBatchSize]))).toEqual({
      sendEvents: 1000,
      addAudienceMembers: 10000,
      removeAudienceMembers: 10000,
      replaceAudience: 10000,
    });
  });
});
