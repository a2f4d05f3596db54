import connector from '../../../connectors/odoo';
import { clearOdooSessions } from '../../../connectors/odoo/client';
import { startSandbox, type OdooSandbox } from '../../../connectors/odoo/sandbox';
import { conformanceOptions } from '../../../connectors/odoo/conformance';
import { createRegistry } from '../../../core/registry';
import { checkConnectorConformance, describeConnectorConformance } from '../../../core/sdk/testing';

// The same kit a partner runs against a plugin, run against the Odoo connector pointed at its sandbox (JSON-2).
let sandbox: OdooSandbox;
beforeAll(async () => {
  sandbox = await startSandbox({ seedContacts: 60, seedOrders: 12, seed: 11 });
});
afterAll(async () => {
  await sandbox.close();
  clearOdooSessions();
});

describeConnectorConformance(
  connector,
  conformanceOptions(() => sandbox),
);

describe('odoo connector definition', () => {
  it('passes the static conformance checks', () => {
    expect(checkConnectorConformance(connector)).toEqual({ ok: true, problems: [] });
  });

  it('is discovered by the registry from connectors/odoo, with its key marked secret', async () => {
    const registry = await createRegistry({ plugins: [] });
    expect(registry.problems.filter((p) => p.source.includes('odoo'))).toEqual([]);
    const described = registry.describe('odoo');
    expect(described.category).toBe('erp');
    expect(described.streams.map((s) => s.name)).toEqual(['partners', 'orders', 'invoices']);
    expect(described.actions.map((a) => [a.name, a.idempotent ?? true])).toEqual([
      ['upsertPartners', true],
      ['createOrders', true],
    ]);
    const props = (described.settingsSchema as { properties: Record<string, Record<string, unknown>> }).properties;
    expect(props.apiKey!['x-secret']).toBe(true);
    expect(props.url!['x-endpoint']).toBe(true);
  });
});
