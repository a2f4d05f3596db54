import connector from '../../../connectors/odoo';
import { clearOdooSessions } from '../../../connectors/odoo/client';
import { startSandbox, type OdooSandbox } from '../../../connectors/odoo/sandbox';
import { partners } from '../../../connectors/odoo/streams/partners';
import { ConfigError, type HubError } from '../../../core/sdk';
import { connection, failure, readAll } from './helpers';

/**
 * `check` names a wrong database, and reports when the API key expires (issue #16) from res.users.apikeys. An administrator's key reads every
 * user's keys (Odoo lets administrators see them to revoke them), so another user's key about to expire must not be
 * reported as this one; and with several keys of one user, the earliest is reported as such.
 */
const DAY_MS = 86_400_000;
const odooDate = (ms: number) => new Date(ms).toISOString().slice(0, 19).replace('T', ' ');

describe.each([
  ['JSON-2', 19],
  ['JSON-RPC', 17],
])('check() and the API key expiry (sandbox over %s, Odoo %i)', (transport, version) => {
  let sandbox: OdooSandbox;
  beforeEach(async () => {
    clearOdooSessions();
    sandbox = await startSandbox({ version, seedContacts: 1 });
  });
  afterEach(() => sandbox.close());
  const key = (userId: number, inDays: number) =>
    sandbox.store.insert('res.users.apikeys', {
      name: `key of ${userId}`,
      user_id: userId,
      scope: 'rpc',
      expiration_date: odooDate(Date.now() + inDays * DAY_MS),
    });
  const own = () => String(sandbox.store.table('res.users.apikeys').get(1)!.expiration_date).slice(0, 10);

  it("another user's key about to expire is never reported as this key's expiry", async () => {
    key(7, 3);
    const result = await connector.check(connection(sandbox.settings));
    expect(result.ok).toBe(true);
    expect(result.message).not.toMatch(/in [0-3] days/);
    if (transport === 'JSON-RPC') expect(result.message).toContain(`the API key expires on ${own()}`);
    // JSON-2 has no uid to tell the users' keys apart: nothing said rather than someone else's date
    else expect(result.message).not.toContain('expires');
  });

  it('a database name the server does not have: check() and a read say to fix the database setting', async () => {
    const wrong = { ...sandbox.settings, database: 'acme-prod' };
    const result = await connector.check(connection(wrong));
    expect(result.ok).toBe(false);
    expect(result.message).toMatch(/acme-prod.*check the database setting/);
    expect(result.message).not.toMatch(/New API Key|is the app installed/);
    clearOdooSessions();
    const error = (await failure(() => readAll(partners, connection(wrong)))) as HubError;
    expect(error).toBeInstanceOf(ConfigError);
    expect(error.field).toBe('database');
  });

  it("several keys of the key's user: the earliest is reported as the first of them, with the warning", async () => {
    const soon = key(2, 5);
    const result = await connector.check(connection(sandbox.settings));
    const date = String(sandbox.store.table('res.users.apikeys').get(soon)!.expiration_date).slice(0, 10);
    expect(result.message).toMatch(
      new RegExp(`the first of this user's 2 API keys expires on ${date} \\(in [45] days: generate a new key`),
    );
  });
});
