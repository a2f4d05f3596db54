import { isHubError } from 'connector-hub/sdk';
import { checkConnectorConformance, describeConnectorConformance } from 'connector-hub/sdk/testing';
import { conformanceOptions, seedConformanceContacts } from '../conformance';
import { connector } from '../index';
import { startSandbox, type UnisenderSandbox } from '../sandbox';
import { connection } from './helpers';

// The hub's conformance kit, run the way a partner runs it: against the plugin's own sandbox.
let sandbox: UnisenderSandbox;
const { options, closeLimited } = conformanceOptions(() => sandbox);

beforeAll(async () => {
  sandbox = await startSandbox({ seedContacts: 2_500, seed: 5 });
  seedConformanceContacts(sandbox);
});
afterAll(async () => {
  await closeLimited();
  await sandbox.close();
});

// the same options `hub plugins check` gets from the package's `conformance` export
describeConnectorConformance(connector, options);

describe('unisender definition and check()', () => {
  it('passes the static checks (as the registry validates plugins)', () => {
    expect(checkConnectorConformance(connector)).toEqual({ ok: true, problems: [] });
  });

  it('marks the API key secret in the settings schema', () => {
    const props = (connector.settingsSchema as { properties: Record<string, Record<string, unknown>> }).properties;
    expect(props.apiKey!['x-secret']).toBe(true);
  });

  it('check() accepts the sandbox settings, reports a missing list, rejects a bad key with AuthError', async () => {
    await expect(connector.check(connection(sandbox.settings))).resolves.toMatchObject({ ok: true });
    await expect(connector.check(connection({ ...sandbox.settings, listId: 404 }))).resolves.toMatchObject({
      ok: false,
    });
    const error = await connector
      .check(connection({ ...sandbox.settings, apiKey: 'secret-bad-key-xyz' }))
      .catch((e: unknown) => e);
    expect(isHubError(error) && error.kind).toBe('auth');
    expect((error as Error).message).not.toContain('secret-bad-key-xyz');
  });
});
