import connector from '../../../connectors/mailchimp';
import { clearMergeFieldCache } from '../../../connectors/mailchimp/merge-fields';
import { startSandbox, type MailchimpSandbox } from '../../../connectors/mailchimp/sandbox';
import { LOOKBACK_MS, OVERLAP } from '../../../connectors/mailchimp/streams/members';
import { WEBHOOK_TOKEN_PARAM } from '../../../connectors/mailchimp/webhooks';
import { createRegistry } from '../../../core/registry';
import { messyContacts } from '../../../core/sandbox';
import type { WebhookRequest } from '../../../core/sdk';
import { checkConnectorConformance, describeConnectorConformance } from '../../../core/sdk/testing';

// The same kit a partner runs against a plugin, run against the Mailchimp connector pointed at its sandbox.
let sandbox: MailchimpSandbox;
beforeAll(async () => {
  sandbox = await startSandbox({ seedContacts: 2_500, seed: 42, webhookSecret: WEBHOOK_TOKEN });
});
afterAll(async () => {
  await sandbox.close();
  clearMergeFieldCache();
});

// seeded addresses (deterministic), for the actions that need an existing member
const seeded = messyContacts(2_500, 42).map((c) => c.email.trim());
const WEBHOOK_TOKEN = 'conformance-webhook-token';

// Mailchimp signs nothing: the webhook URL carries a secret token (the body is a plain form)
function tokenDelivery(): WebhookRequest {
  const rawBody = Buffer.from('type=subscribe&fired_at=2026-01-01+00%3A00%3A00&data%5Bemail%5D=a%40example.com');
  return {
    method: 'POST',
    url: `/webhooks/mailchimp/conformance?${WEBHOOK_TOKEN_PARAM}=${WEBHOOK_TOKEN}`,
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    query: { [WEBHOOK_TOKEN_PARAM]: WEBHOOK_TOKEN },
    rawBody,
    receivedAt: new Date(),
  };
}

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
  badSettings: () => ({ ...sandbox.settings, apiKey: 'wrong-secret-key-us1' }),
  // the members stream re-reads OVERLAP members before its offset on resume (see streams/members.ts)
  lookBackRecords: OVERLAP,
  // and, after a complete read, restarts from the newest last_changed seen minus its look-back (streams/members.ts)
  lookBackMs: LOOKBACK_MS,
  batchRecord: {
    upsertMembers: (i) => ({ email_address: `batch${i}@example.com`, status_if_new: 'subscribed' }),
  },
  rejectedRecord: {
    upsertMembers: { record: { email_address: 'bad-address', status: 'subscribed' }, reason: 'looks fake or invalid' },
  },
  countAtTarget: (_action, record) => {
    const email = String((record as { email_address: string }).email_address)
      .trim()
      .toLowerCase();
    return [...sandbox.members.values()].filter((m) => m.email_address.toLowerCase() === email).length;
  },
  // no rateLimit hook: Mailchimp answers 429 only past 10 simultaneous connections and sends no wait to pass on
  signedWebhook: () => tokenDelivery(),
  webhookSignsBody: false,
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
    expect(Object.fromEntries(described.actions.map((a) => [a.name, a.maxBatchSize]))).toEqual({
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
