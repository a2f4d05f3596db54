import { isHubError } from 'connector-hub/sdk';
import { checkConnectorConformance, describeConnectorConformance } from 'connector-hub/sdk/testing';
import { RATE_LIMIT_WAIT_MS } from '../client';
import { connector } from '../index';
import { startSandbox, type UnisenderSandbox } from '../sandbox';
import { connection } from './helpers';

// The hub's conformance kit, run the way a partner runs it: against the plugin's own sandbox.
let sandbox: UnisenderSandbox;
let limited: UnisenderSandbox | undefined;
const BAD_KEY = 'wrong-unisender-key-0123';
// unsubscribe/exclude batches address contacts that exist in the list (made in beforeAll), so "one copy" is checkable
const unsubscribeEmail = (i: number) => `kit-u${i}@example.com`;
const excludeEmail = (i: number) => `kit-x${i}@example.com`;

beforeAll(async () => {
  sandbox = await startSandbox({ seedContacts: 2_500, seed: 5 });
  const rows = Array.from({ length: 50 }, (_, i) => [
    [unsubscribeEmail(i), String(sandbox.settings.listId)],
    [excludeEmail(i), String(sandbox.settings.listId)],
  ]).flat();
  for (let i = 0; i < rows.length; i += 500)
    sandbox.store.importContacts(['email', 'email_list_ids'], rows.slice(i, i + 500), false, false);
});
afterAll(async () => {
  await limited?.close();
  await sandbox.close();
});

describeConnectorConformance(connector, {
  settings: () => sandbox.settings,
  badSettings: () => ({ ...sandbox.settings, apiKey: BAD_KEY }),
  secrets: [BAD_KEY],
  sampleRecords: {
    importContacts: [
      { email: 'conformance@example.com', fields: { Name: 'Conformance' }, tags: ['kit'] },
      { email: 'not-an-email' },
    ],
    unsubscribe: [{ email: unsubscribeEmail(0) }],
    exclude: [{ email: excludeEmail(0) }],
  },
  batchRecord: {
    importContacts: (i) => ({ email: `kit-import-${i}@example.com`, fields: { Name: `Kit ${i}` } }),
    unsubscribe: (i) => ({ email: unsubscribeEmail(i) }),
    exclude: (i) => ({ email: excludeEmail(i) }),
  },
  rejectedRecord: {
    importContacts: { record: { email: 'not-an-email' }, reason: 'invalid e-mail' },
    unsubscribe: { record: { email: 'broken@' }, reason: 'invalid e-mail' },
    exclude: { record: { email: 'broken@' }, reason: 'invalid e-mail' },
  },
  countAtTarget: (_action, record) => {
    const email = (record as { email: string }).email.trim().toLowerCase();
    return sandbox.listEmails().filter((e) => e === email).length;
  },
  // Unisender's limit answer carries no wait; the connector waits the documented minute
  rateLimit: async () => {
    limited = await startSandbox({ rateLimit: { requests: 0, intervalMs: 60_000 } });
    return { waitMs: RATE_LIMIT_WAIT_MS, settings: limited.settings };
  },
  restore: async () => {
    await limited?.close();
    limited = undefined;
  },
});

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
