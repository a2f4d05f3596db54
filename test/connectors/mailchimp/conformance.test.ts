import connector from '../../../connectors/mailchimp';
import { clearMergeFieldCache } from '../../../connectors/mailchimp/merge-fields';
import { startSandbox, type MailchimpSandbox } from '../../../connectors/mailchimp/sandbox';
import { createRegistry } from '../../../core/registry';
import { messyContacts } from '../../../core/sandbox';
import { checkConnectorConformance, describeConnectorConformance } from '../../../core/sdk/testing';

// The same kit a partner runs against a plugin, run against the Mailchimp connector pointed at its sandbox.
let sandbox: MailchimpSandbox;
beforeAll(async () => {
  sandbox = await startSandbox({ seedContacts: 2_500, seed: 42 });
});
afterAll(async () => {
  await sandbox.close();
  clearMergeFieldCache();
});

// seeded addresses (deterministic), for the actions that need an existing member
const seeded = messyContacts(2_500, 42).map((c) => c.email.trim());

describeConnectorConformance(connector, {
  settings: () => sandbox.settings,
  maxPages: 3,
  sampleRecords: {
    upsertMembers: [
      {
        email_address: 'new.person@example.com',
        status_if_new: 'subscribed',
        merge_fields: { FNAME: 'New', CITY: 'Berlin' },
        tags: ['demo'],
      },
      { email_address: seeded[0]!, status_if_new: 'pending', merge_fields: { LNAME: 'Changed' } },
      { email_address: 'bad-address', status: 'subscribed' },
      { email_address: 'x@example.com', status: 'subscribed', merge_fields: { NOT_A_FIELD: 'x' } },
    ],
    tagMembers: [{ email_address: seeded[1]!, tags: [{ name: 'vip', status: 'active' }] }],
    archiveMember: [{ email_address: seeded[2]! }],
    deleteMemberPermanently: [{ email_address: seeded[3]! }],
  },
});

describe('mailchimp connector definition', () => {
  it('passes the static conformance checks', () => {
    expect(checkConnectorConformance(connector)).toEqual({ ok: true, problems: [] });
  });

  it('is discovered by the registry from connectors/mailchimp', async () => {
    const registry = await createRegistry({ plugins: [] });
    expect(registry.problems.filter((p) => p.source.includes('mailchimp'))).toEqual([]);
    expect(registry.has('mailchimp')).toBe(true);
    const described = registry.describe('mailchimp');
    expect(described.actions.map((a) => a.name)).toEqual([
      'upsertMembers',
      'tagMembers',
      'archiveMember',
      'deleteMemberPermanently',
    ]);
    expect(described.policy.maxBatchSize).toEqual({
      upsertMembers: 500,
      tagMembers: 1,
      archiveMember: 1,
      deleteMemberPermanently: 1,
    });
    // secrets are marked so the hub encrypts them and never shows them
    const props = (described.settingsSchema as { properties: Record<string, Record<string, unknown>> }).properties;
    expect(['apiKey', 'accessToken', 'webhookToken'].every((k) => props[k]!['x-secret'] === true)).toBe(true);
    expect(props.listId!['x-secret']).toBeUndefined();
  });

  it('check() reports a wrong key without the key, and a missing audience by its id', async () => {
    const conn = (settings: Record<string, unknown>) => ({
      id: 'c',
      name: 'c',
      settings: { ...sandbox.settings, ...settings } as typeof sandbox.settings,
      log: { debug() {}, info() {}, warn() {}, error() {} },
    });
    const wrongKey = await connector.check(conn({ apiKey: 'wrong-secret-key-us1' }));
    expect(wrongKey.ok).toBe(false);
    expect(wrongKey.message).not.toContain('wrong-secret-key-us1');
    expect(wrongKey.message).toMatch(/API key/);
    const noList = await connector.check(conn({ listId: 'nope' }));
    expect(noList).toEqual({ ok: false, message: 'Mailchimp has no audience nope: check listId' });
  });
});
