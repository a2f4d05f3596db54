import { signHubspotV3, type WebhookRequest } from '../../core/sdk';
import type { ConformanceOptions, ConformanceSetup } from '../../core/sdk/testing';
import type { HubSpotSettings } from './schemas/settings';
import { startSandbox, type HubSpotSandbox } from './sandbox';

/**
 * The conformance setup of the HubSpot connector against its sandbox: what `hub plugins check hubspot` runs (the
 * same options a partner exports from a plugin). A fresh sandbox per check; `close` stops every sandbox it started.
 */

const CLIENT_SECRET = 'conformance-client-secret';
const WEBHOOK_URL = 'https://hub.example.com/webhooks/hubspot/conformance';
/** The sandbox the rules run against: seeded, with the webhook secret the signed-event rule uses. */
export const CONFORMANCE_SANDBOX = { seedContacts: 420, seed: 5, webhookSecret: CLIENT_SECRET };

const emailOf = (record: object) =>
  String((record as { email?: unknown }).email)
    .trim()
    .toLowerCase();
const copies = (store: HubSpotSandbox['contacts'], property: string, value: string) =>
  [...store.values()].filter((o) => o.properties[property]?.toLowerCase() === value.toLowerCase()).length;

function signedEvent(signedAt: Date): WebhookRequest {
  const body = JSON.stringify([
    { eventId: 1, subscriptionType: 'contact.creation', objectId: 1001, occurredAt: signedAt.getTime() },
  ]);
  const timestamp = String(signedAt.getTime());
  return {
    method: 'POST',
    url: WEBHOOK_URL,
    headers: {
      'content-type': 'application/json',
      'x-hubspot-request-timestamp': timestamp,
      'x-hubspot-signature-v3': signHubspotV3({
        clientSecret: CLIENT_SECRET,
        method: 'POST',
        uri: WEBHOOK_URL,
        body,
        timestamp,
      }),
    },
    query: {},
    rawBody: Buffer.from(body),
    receivedAt: new Date(),
  };
}

/** A sandbox on the free tier whose ten-second burst is used up: its next request is a 429 with a wait. */
async function exhaustedSandbox(): Promise<HubSpotSandbox> {
  const next = await startSandbox({ tier: 'free' });
  const headers = { authorization: `Bearer ${next.settings.accessToken}` };
  for (let status = 200; status !== 429;)
    status = (await fetch(`${next.url}/crm/v3/objects/contacts?limit=1`, { headers })).status;
  return next;
}

/**
 * The conformance options against a sandbox the caller owns (`sandbox()` is read when a rule runs): the jest suite
 * (test/connectors/hubspot/conformance.test.ts) and `hub plugins check hubspot` share them. `closeLimited` stops
 * the rate-limited sandbox a `rateLimit` rule may have started.
 */
export function conformanceOptions(sandbox: () => HubSpotSandbox): {
  options: ConformanceOptions<HubSpotSettings>;
  closeLimited: () => Promise<void>;
} {
  let limited: HubSpotSandbox | undefined;
  const closeLimited = async () => {
    await limited?.close();
    limited = undefined;
  };
  const options: ConformanceOptions<HubSpotSettings> = {
    settings: () => sandbox().settings,
    badSettings: () => ({ ...sandbox().settings, accessToken: 'wrong-token-for-conformance' }),
    maxPages: 3,
    sampleRecords: {
      upsertContacts: [
        { email: 'conformance@example.com', properties: { firstname: 'Conform', marketing_consent: true } },
        { email: 'not-an-address', properties: {} },
      ],
      upsertDeals: [
        {
          externalId: 'CONF-1',
          properties: { dealname: 'Conformance', amount: 10 },
          lineItems: [{ properties: { name: 'Item' } }],
        },
      ],
      archiveContacts: [{ id: '999999' }],
      deleteContact: [{ email: 'conformance@example.com' }],
    },
    batchRecord: {
      upsertContacts: (i) => ({ email: `batch${i}@example.com`, properties: { firstname: `Batch ${i}` } }),
      upsertDeals: (i) => ({ externalId: `BATCH-${i}`, properties: { dealname: `Batch ${i}`, amount: i } }),
    },
    rejectedRecord: {
      upsertContacts: { record: { email: 'not-an-address', properties: {} }, reason: 'is not an e-mail address' },
    },
    countAtTarget: (action, record) =>
      action === 'upsertDeals'
        ? copies(sandbox().deals, 'external_deal_id', String((record as { externalId: string }).externalId))
        : copies(sandbox().contacts, 'email', emailOf(record)),
    rateLimit: async () => {
      limited = await exhaustedSandbox();
      return { waitMs: 10_000, settings: limited.settings };
    },
    restore: closeLimited,
    signedWebhook: (_name, signedAt) => signedEvent(signedAt),
    webhookMaxAgeMs: 5 * 60_000,
  };
  return { options, closeLimited };
}

/** What `hub plugins check hubspot` runs: a fresh sandbox per check; `close` stops every sandbox it started. */
export const conformance: ConformanceSetup<HubSpotSettings> = async () => {
  const sandbox = await startSandbox(CONFORMANCE_SANDBOX);
  const { options, closeLimited } = conformanceOptions(() => sandbox);
  return {
    options,
    close: async () => {
      await closeLimited();
      await sandbox.close();
    },
  };
};
