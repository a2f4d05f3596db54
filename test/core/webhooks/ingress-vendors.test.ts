import { Type } from '@sinclair/typebox';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import request from 'supertest';
import { createApp } from '../../../core/api/app';
import { WEBHOOK_ROUTES, createWebhooksRouter } from '../../../core/api/webhooks-router';
import { createLogger } from '../../../core/logging/logger';
import { Secret, defineConnector, defineWebhook, type ConnectorDefinition } from '../../../core/sdk';
import { Vault, generateVaultKey } from '../../../core/security/vault';
import { ConnectionsRepo, WebhookEventsRepo, openStore, type Store } from '../../../core/store';
import {
  mailchimpEventId,
  mailchimpHandshake,
  parseMailchimpForm,
  signHubspotV3,
  verifyHubspotSignature,
  verifyMailchimpSecret,
} from '../../../core/webhooks/signatures';

/** How connectors use the signature helpers, end to end through the ingress. */
const policy = {
  rateBudget: { requests: 10, intervalMs: 1000 },
  concurrency: 1,
  maxBatchSize: {},
  retryStatuses: [],
  retryAfter: [],
};
const MailchimpLike = Type.Object({ webhookSecret: Secret(Type.String()) });
const mailchimpLike = defineConnector({
  id: 'mailchimp-like',
  displayName: 'Mailchimp-like',
  version: '1.0.0',
  category: 'email',
  settingsSchema: MailchimpLike,
  policy,
  check: async () => ({ ok: true, message: 'ok' }),
  streams: [],
  actions: [],
  webhooks: [
    defineWebhook<{ webhookSecret: string }>({
      name: 'audience',
      verify: (req, { settings }) => verifyMailchimpSecret(req, { secret: settings.webhookSecret }),
      handshake: (req, { settings }) => mailchimpHandshake(req, { secret: settings.webhookSecret }),
      parse(req) {
        const payload = parseMailchimpForm(req.rawBody);
        return payload ? [{ id: mailchimpEventId(req.rawBody), type: payload.type, record: payload.data }] : [];
      },
    }),
  ],
});
const HubspotLike = Type.Object({ clientSecret: Secret(Type.String()) });
const hubspotLike = defineConnector({
  id: 'hubspot-like',
  displayName: 'HubSpot-like',
  version: '1.0.0',
  category: 'crm',
  settingsSchema: HubspotLike,
  policy,
  check: async () => ({ ok: true, message: 'ok' }),
  streams: [],
  actions: [],
  webhooks: [
    defineWebhook<{ clientSecret: string }>({
      name: 'crm',
      verify: (req, { settings }) => verifyHubspotSignature(req, { clientSecret: settings.clientSecret }),
      parse: (req) =>
        (JSON.parse(req.rawBody.toString('utf8')) as { eventId: number; subscriptionType: string }[]).map((e) => ({
          id: String(e.eventId),
          type: e.subscriptionType,
        })),
    }),
  ],
});
const connectors = [mailchimpLike, hubspotLike] as ConnectorDefinition[];
const registry = {
  has: (id: string) => connectors.some((c) => c.id === id),
  get: (id: string) => connectors.find((c) => c.id === id) as ConnectorDefinition,
};
const logger = createLogger({ level: 'silent' });

describe('webhook ingress with vendor schemes', () => {
  let dir: string;
  let store: Store;
  let connections: ConnectionsRepo;
  let events: WebhookEventsRepo;
  const app = (publicBaseUrl?: string) =>
    createApp({
      logger,
      version: 'test',
      readiness: [],
      ingressRoutes: [
        {
          path: '/webhooks',
          routes: WEBHOOK_ROUTES,
          router: createWebhooksRouter({ connections, registry, events, logger, publicBaseUrl }),
        },
      ],
    });

  beforeAll(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'hub-webhooks-'));
    store = await openStore({ dataDir: dir });
    connections = new ConnectionsRepo(store.db, new Vault([generateVaultKey()]));
    events = new WebhookEventsRepo(store.db);
  });
  afterAll(async () => {
    await store.close();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('Mailchimp: secret in the URL, GET validation, empty validation POST, form-encoded events', async () => {
    const { id } = await connections.create({
      name: 'mc',
      connectorId: 'mailchimp-like',
      settings: { webhookSecret: 's3cret-token' },
      settingsSchema: MailchimpLike,
    });
    const hub = app();
    await request(hub).get(`/webhooks/${id}?secret=s3cret-token`).expect(200);
    await request(hub).get(`/webhooks/${id}?secret=wrong`).expect(401);
    await request(hub).post(`/webhooks/${id}?secret=s3cret-token`).expect(200, { accepted: 0, duplicates: 0 });
    const form = 'type=unsubscribe&fired_at=2009-03-26+21%3A40%3A57&data%5Bemail%5D=api%40mailchimp.com';
    const send = (secret: string) =>
      request(hub)
        .post(`/webhooks/${id}?secret=${secret}`)
        .set('content-type', 'application/x-www-form-urlencoded')
        .send(form);
    await send('wrong').expect(401);
    await send('s3cret-token').expect(200, { accepted: 1, duplicates: 0 });
    await send('s3cret-token').expect(200, { accepted: 0, duplicates: 1 });
    const [event] = await events.pending(id);
    expect(event.event).toMatchObject({ type: 'unsubscribe', record: { email: 'api@mailchimp.com' } });
  });

  it('HubSpot: the signed URI is rebuilt from the public base URL', async () => {
    const { id } = await connections.create({
      name: 'hs',
      connectorId: 'hubspot-like',
      settings: { clientSecret: 'client-secret-1' },
      settingsSchema: HubspotLike,
    });
    const body = '[{"eventId":101,"subscriptionType":"contact.creation"}]';
    const timestamp = String(Date.now());
    const uri = `https://hub.example.com/webhooks/${id}?portal=1%3A2`;
    const signature = signHubspotV3({ clientSecret: 'client-secret-1', method: 'POST', uri, body, timestamp });
    const send = (hub: ReturnType<typeof app>) =>
      request(hub)
        .post(`/webhooks/${id}?portal=1%3A2`)
        .set('content-type', 'application/json')
        .set({ 'X-HubSpot-Signature-v3': signature, 'X-HubSpot-Request-Timestamp': timestamp })
        .send(body);
    await send(app()).expect(401); // the hub saw http://127.0.0.1:<port>/…, not the URL HubSpot called
    await send(app('https://hub.example.com/')).expect(200, { accepted: 1, duplicates: 0 });
  });

  it('HubSpot without a public base URL: the signed URI is the request protocol, Host header and path', async () => {
    const { id } = await connections.create({
      name: 'hs-direct',
      connectorId: 'hubspot-like',
      settings: { clientSecret: 'client-secret-2' },
      settingsSchema: HubspotLike,
    });
    const body = '[{"eventId":202,"subscriptionType":"contact.creation"}]';
    const timestamp = String(Date.now());
    const uri = `http://hooks.example.com:8080/webhooks/${id}?portal=3`;
    const signature = signHubspotV3({ clientSecret: 'client-secret-2', method: 'POST', uri, body, timestamp });
    await request(app())
      .post(`/webhooks/${id}?portal=3`)
      .set('host', 'hooks.example.com:8080')
      .set('content-type', 'application/json')
      .set({ 'X-HubSpot-Signature-v3': signature, 'X-HubSpot-Request-Timestamp': timestamp })
      .send(body)
      .expect(200, { accepted: 1, duplicates: 0 });
  });
});
