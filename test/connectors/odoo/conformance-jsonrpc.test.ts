import connector from '../../../connectors/odoo';
import { clearOdooSessions } from '../../../connectors/odoo/client';
import { conformanceOptions } from '../../../connectors/odoo/conformance';
import { startSandbox, type OdooSandbox } from '../../../connectors/odoo/sandbox';
import { describeConnectorConformance } from '../../../core/sdk/testing';

// The conformance kit again, against a sandbox that answers as Odoo 17: no JSON-2, so every call is JSON-RPC
// execute_kw after common.authenticate, chosen by the connector from /web/version.
let sandbox: OdooSandbox;
beforeAll(async () => {
  clearOdooSessions();
  sandbox = await startSandbox({ version: 17, seedContacts: 60, seedOrders: 12, seed: 11 });
});
afterAll(async () => {
  await sandbox.close();
  clearOdooSessions();
});

describeConnectorConformance(
  connector,
  conformanceOptions(() => sandbox),
);

describe('odoo 17 sandbox', () => {
  it('was reached over JSON-RPC only', () => {
    expect(sandbox.server.count({ route: 'POST /jsonrpc' })).toBeGreaterThan(0);
    expect(sandbox.server.log.filter((e) => e.path.startsWith('/json/2/') && e.status === 200)).toEqual([]);
  });
});
