import connector from '../../../connectors/sendgrid';
import { startSandbox, type SendGridSandbox } from '../../../connectors/sendgrid/sandbox';
import { eventSigner } from '../../../connectors/sendgrid/sandbox/webhook';
import type { WebhookRequest } from '../../../core/sdk';
import { checkConnectorConformance, describeConnectorConformance } from '../../../core/sdk/testing';
import { LOOKBACK_MS } from '../../../connectors/sendgrid/streams/contacts';
import {
  SENDGRID_MAX_AGE_MS,
  SENDGRID_SIGNATURE_HEADER,
  SENDGRID_TIMESTAMP_HEADER,
} from '../../../core/webhooks/signatures';

// The same kit a partner runs against a plugin, run against the SendGrid connector pointed at its sandbox.
const WEBHOOK_SECRET = 'conformance-webhook-secret';
let sandbox: SendGridSandbox;
let limited: SendGridSandbox | undefined;

beforeAll(async () => {
  sandbox = await startSandbox({ seedContacts: 40, seed: 7, webhookSecret: WEBHOOK_SECRET });
  await sandbox.suppress('gone@example.com', 'bounce');
  await sandbox.suppress('bye@example.com', 'unsubscribe');
});
afterAll(async () => {
  await limited?.close();
  await sandbox.close();
});

/** An Event Webhook delivery signed with the sandbox's key (derived from the same secret). */
function signedEvents(signedAt: Date): WebhookRequest {
  const body = JSON.stringify([{ email: 'a@example.com', event: 'open', sg_event_id: 'e1', timestamp: 1 }]);
  const timestamp = String(Math.floor(signedAt.getTime() / 1000));
  return {
    method: 'POST',
    url: '/webhooks/sendgrid/conformance',
    headers: {
      'content-type': 'application/json',
      [SENDGRID_TIMESTAMP_HEADER]: timestamp,
      [SENDGRID_SIGNATURE_HEADER]: eventSigner(WEBHOOK_SECRET).sign(body, timestamp),
    },
    query: {},
    rawBody: Buffer.from(body),
    receivedAt: new Date(),
  };
}

const LIMITED_ROUTES: Array<[string, string]> = [
  ['GET', '/v3/marketing/field_definitions'],
  ['POST', '/v3/marketing/field_definitions'],
  ['PUT', '/v3/marketing/contacts'],
  ['DELETE', '/v3/marketing/contacts'],
  ['POST', '/v3/marketing/contacts/search/emails'],
  ['POST', '/v3/recipients/erasejob'],
];

/** A second sandbox allowing one request per endpoint a minute, each used up: every next request is a 429. */
async function exhaustedSandbox(): Promise<SendGridSandbox> {
  const next = await startSandbox({ rateLimit: { requests: 1, intervalMs: 60_000 } });
  const headers = { authorization: `Bearer ${next.settings.apiKey}`, 'content-type': 'application/json' };
  for (const [method, route] of LIMITED_ROUTES) {
    const body = method === 'GET' || method === 'DELETE' ? undefined : '{}';
    await fetch(`${next.url}${route}`, { method, headers, body });
  }
  return next;
}

describeConnectorConformance(connector, {
  settings: () => sandbox.settings,
  badSettings: () => ({ ...sandbox.settings, apiKey: 'SG.wrong-key-for-conformance' }),
  // a read keeps contacts updated after the checkpoint minus its look-back (streams/contacts.ts)
  lookBackMs: LOOKBACK_MS,
  sampleRecords: {
    upsertContacts: [
      { email: 'ann@example.com', first_name: 'Ann', custom_fields: { company: 'Acme' } },
      { email: 'bob@example.com', last_name: 'B', custom_fields: { no_such_field: 'x' } },
    ],
    deleteContacts: [{ email: 'ann@example.com' }, { email: 'nobody@example.com' }],
    eraseRecipients: [{ email: 'gone@example.com' }],
  },
  batchRecord: { upsertContacts: (i) => ({ email: `batch${i}@example.com`, first_name: `Batch ${i}` }) },
  rejectedRecord: { upsertContacts: { record: { email: 'not-an-address' }, reason: 'is not a valid e-mail address' } },
  countAtTarget: (_action, record) => {
    const email = String((record as { email: string }).email).toLowerCase();
    return [...sandbox.contacts.values()].filter((c) => c.email.toLowerCase() === email).length;
  },
  rateLimit: async () => {
    limited = await exhaustedSandbox();
    return { waitMs: 60_000, settings: limited.settings };
  },
  restore: async () => {
    await limited?.close();
    limited = undefined;
  },
  signedWebhook: (_name, signedAt) => signedEvents(signedAt),
  webhookMaxAgeMs: SENDGRID_MAX_AGE_MS,
});

describe('sendgrid connector definition', () => {
  it('passes the static conformance checks', () => {
    expect(checkConnectorConformance(connector)).toEqual({ ok: true, problems: [] });
  });
});
