import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import connector from '../../../connectors/hubspot';
import { startSandbox, type HubSpotSandbox } from '../../../connectors/hubspot/sandbox';
import type { HubSpotSettings } from '../../../connectors/hubspot/schemas/settings';
import type { WebhookRequest } from '../../../core/sdk';
import { signHubspotV3 } from '../../../core/webhooks/signatures';
import { connection } from './helpers';

const SECRET = 'client-secret-abc';
const URL = 'https://hub.example.com/webhooks/hubspot/conn-hs';
const webhook = connector.webhooks![0]!;
const settings: HubSpotSettings = { accessToken: 'token', clientSecret: SECRET };

const events = [
  {
    eventId: 100,
    subscriptionId: 1,
    portalId: 62515,
    appId: 9,
    occurredAt: Date.UTC(2026, 5, 1, 12),
    subscriptionType: 'contact.propertyChange',
    attemptNumber: 0,
    objectId: 1001,
    changeSource: 'CRM_UI',
    propertyName: 'email',
    propertyValue: 'ann@example.com',
  },
  { eventId: 101, subscriptionType: 'contact.creation', objectId: 1002, occurredAt: Date.UTC(2026, 5, 1, 12) },
  { eventId: 102, subscriptionType: 'contact.deletion', objectId: 1003, occurredAt: Date.UTC(2026, 5, 1, 12) },
];

function signed(body: string, now = Date.now(), overrides: Partial<WebhookRequest> = {}): WebhookRequest {
  const timestamp = String(now);
  const signature = signHubspotV3({ clientSecret: SECRET, method: 'POST', uri: URL, body, timestamp });
  return {
    method: 'POST',
    url: URL,
    headers: { 'x-hubspot-signature-v3': signature, 'x-hubspot-request-timestamp': timestamp },
    query: {},
    rawBody: Buffer.from(body),
    receivedAt: new Date(now),
    ...overrides,
  };
}

describe('HubSpot webhook signatures (v3)', () => {
  const body = JSON.stringify(events);

  it('accepts a valid signature', async () => {
    expect(await webhook.verify(signed(body), connection(settings))).toBe(true);
  });

  it('rejects an altered body, another URL, or another secret', async () => {
    const request = signed(body);
    expect(
      await webhook.verify({ ...request, rawBody: Buffer.from(body.replace('1001', '1009')) }, connection(settings)),
    ).toBe(false);
    expect(await webhook.verify({ ...request, url: `${URL}?x=1` }, connection(settings))).toBe(false);
    expect(await webhook.verify(request, connection({ ...settings, clientSecret: 'other' }))).toBe(false);
  });

  it('rejects a request older than five minutes', async () => {
    const sentAt = Date.now() - 6 * 60 * 1000;
    const request = { ...signed(body, sentAt), receivedAt: new Date() };
    expect(await webhook.verify(request, connection(settings))).toBe(false);
  });

  it('rejects an unsigned request, and any request when no client secret is configured', async () => {
    const request = signed(body);
    expect(await webhook.verify({ ...request, headers: {} }, connection(settings))).toBe(false);
    expect(await webhook.verify(request, connection({ accessToken: 'token' }))).toBe(false);
  });

  it('parses the events array into hub events', () => {
    expect(webhook.parse(signed(body), connection(settings))).toEqual([
      {
        id: '100',
        type: 'contact.propertyChange',
        stream: 'contacts',
        occurredAt: '2026-06-01T12:00:00.000Z',
        record: { id: '1001', properties: { email: 'ann@example.com' } },
      },
      {
        id: '101',
        type: 'contact.creation',
        stream: 'contacts',
        occurredAt: '2026-06-01T12:00:00.000Z',
        record: { id: '1002', properties: {} },
      },
      {
        id: '102',
        type: 'contact.deletion',
        stream: 'contacts',
        occurredAt: '2026-06-01T12:00:00.000Z',
        record: { id: '1003', properties: {} },
        deleted: true,
      },
    ]);
    expect(webhook.parse(signed('not json'), connection(settings))).toEqual([]);
  });
});

describe('sandbox webhooks', () => {
  let receiver: Server;
  let received: WebhookRequest[];
  let sandbox: HubSpotSandbox;
  let url: string;

  beforeAll(async () => {
    received = [];
    receiver = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        const headers: Record<string, string | undefined> = {};
        for (const [k, v] of Object.entries(req.headers)) headers[k] = Array.isArray(v) ? v.join(',') : v;
        received.push({
          method: req.method!,
          url: `${url}${req.url === '/' ? '' : req.url}`,
          headers,
          query: {},
          rawBody: Buffer.concat(chunks),
          receivedAt: new Date(),
        });
        res.writeHead(204).end();
      });
    });
    await new Promise<void>((resolve) => receiver.listen(0, '127.0.0.1', resolve));
    url = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/hook`;
    sandbox = await startSandbox({ seedContacts: 5, seed: 2, webhookUrl: url, webhookSecret: SECRET });
  });
  afterAll(async () => {
    await sandbox.close();
    await new Promise((resolve) => receiver.close(resolve));
  });

  it('a UI edit bumps lastmodifieddate and fires a v3-signed propertyChange webhook the connector accepts', async () => {
    const before = sandbox.contacts.get('1001')!.updatedAt;
    await sandbox.updateContact('1001', { city: 'Berlin' });
    expect(sandbox.contacts.get('1001')!.updatedAt).toBeGreaterThan(before);
    expect(sandbox.deliveries.at(-1)!.status).toBe(204);
    const request = received.at(-1)!;
    request.url = url;
    const conn = connection(sandbox.settings);
    expect(await webhook.verify(request, conn)).toBe(true);
    expect(webhook.parse(request, conn)).toEqual([
      expect.objectContaining({
        type: 'contact.propertyChange',
        record: { id: '1001', properties: { city: 'Berlin' } },
      }),
    ]);
    // and an altered delivery is refused
    expect(
      await webhook.verify(
        { ...request, rawBody: Buffer.from(request.rawBody.toString().replace('Berlin', 'Paris')) },
        conn,
      ),
    ).toBe(false);
  });

  it('creating and deleting contacts in the UI fire contact.creation and contact.deletion', async () => {
    const created = await sandbox.upsertContact({ email: 'new.person@example.com', firstname: 'New' });
    await sandbox.removeContact(created.id);
    const types = received.slice(-2).flatMap((r) => webhook.parse(r, connection(sandbox.settings)).map((e) => e.type));
    expect(types).toEqual(['contact.creation', 'contact.propertyChange', 'contact.propertyChange', 'contact.deletion']);
  });
});
