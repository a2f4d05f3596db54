import type { Express } from 'express';
import request from 'supertest';
import { createApp } from '../../../core/api/app';
import { WEBHOOK_ROUTES, createWebhooksRouter, type WebhooksRouterOptions } from '../../../core/api/webhooks-router';
import { signHubspotV3 } from '../../../core/webhooks/signatures';
import { eventKey, MAX_EVENT_ID_LENGTH } from '../../../core/webhooks/ingress';
import { openApiBed, type ApiBed } from '../api/helpers';

/**
 * Issue 13, item 6, through the real HubSpot connector's webhook and the hub's store: junk cannot starve signed
 * deliveries, an over-long event id is kept under a stable hashed key, and a signed body that is not JSON is
 * answered 400 and listed as a rejected delivery (GET /connections/{id}/webhook-rejections).
 */

const PUBLIC = 'https://hub.example.com';
const CLIENT_SECRET = 'hubspot-client-secret-0123456789';

describe('webhook ingress hardening (HubSpot v3 deliveries)', () => {
  let bed: ApiBed;
  let connectionId: string;
  let now = Date.now();

  const webhooksApp = (options: Partial<WebhooksRouterOptions> = {}): Express =>
    createApp({
      logger: bed.hub.logger,
      version: 'test',
      readiness: [],
      ingressRoutes: [
        {
          path: '/webhooks',
          routes: WEBHOOK_ROUTES,
          router: createWebhooksRouter({
            connections: bed.hub.repos.connections,
            registry: bed.hub.registry,
            events: bed.hub.repos.webhookEvents,
            rejections: bed.hub.repos.webhookEvents,
            logger: bed.hub.logger,
            publicBaseUrl: PUBLIC,
            clock: () => now,
            ...options,
          }),
        },
      ],
    });

  const signed = (app: Express, body: string, contentType = 'application/json') => {
    const timestamp = String(Date.now());
    const uri = `${PUBLIC}/webhooks/${connectionId}`;
    const signature = signHubspotV3({ clientSecret: CLIENT_SECRET, method: 'POST', uri, body, timestamp });
    return request(app)
      .post(`/webhooks/${connectionId}`)
      .set('content-type', contentType)
      .set({ 'X-HubSpot-Signature-v3': signature, 'X-HubSpot-Request-Timestamp': timestamp })
      .send(body);
  };
  const junk = (app: Express) =>
    request(app)
      .post(`/webhooks/${connectionId}`)
      .set('content-type', 'application/json')
      .set({ 'X-HubSpot-Signature-v3': 'bm9wZQ==', 'X-HubSpot-Request-Timestamp': String(Date.now()) })
      .send('[]');
  const event = (id: string | number) => JSON.stringify([{ eventId: id, subscriptionType: 'contact.creation' }]);

  beforeAll(async () => {
    bed = await openApiBed();
    const created = await bed.hub.repos.connections.create({
      name: 'hs-webhooks',
      connectorId: 'hubspot',
      settings: { accessToken: 'pat-na1-token', clientSecret: CLIENT_SECRET },
      settingsSchema: bed.hub.registry.get('hubspot').settingsSchema,
    });
    connectionId = created.id;
  });
  afterAll(() => bed.close());

  it('counts the rate limit after the signature check: unsigned junk cannot starve signed deliveries', async () => {
    now = Date.now();
    const app = webhooksApp({ rateLimit: { limit: 3, windowMs: 60_000 } });
    const statuses: number[] = [];
    for (let i = 0; i < 10; i += 1) statuses.push((await junk(app)).status);
    expect(statuses.slice(0, 3)).toEqual([401, 401, 401]);
    expect(new Set(statuses.slice(3))).toEqual(new Set([429]));

    // genuine deliveries keep their own budget...
    await signed(app, event(9001)).expect(200, { accepted: 1, duplicates: 0 });
    await signed(app, event(9002)).expect(200, { accepted: 1, duplicates: 0 });
    await signed(app, event(9003)).expect(200, { accepted: 1, duplicates: 0 });
    // ...which is limited too
    const limited = await signed(app, event(9004)).expect(429);
    expect(Number(limited.headers['retry-after'])).toBeGreaterThan(0);
  });

  it('keeps an event id longer than 512 characters under a stable hashed key (no 500), recognising redeliveries', async () => {
    now = Date.now();
    const app = webhooksApp();
    const long = `evt-${'x'.repeat(MAX_EVENT_ID_LENGTH + 100)}`;
    await signed(app, event(long)).expect(200, { accepted: 1, duplicates: 0 });
    await signed(app, event(long)).expect(200, { accepted: 0, duplicates: 1 });
    const pending = await bed.hub.repos.webhookEvents.pending(connectionId, 1000);
    const stored = pending.find((e) => e.eventId === eventKey(long));
    expect(stored?.eventId).toMatch(/^sha256:[0-9a-f]{64}$/);
    expect(stored?.eventId).toBe(eventKey(long));
    expect(eventKey('short-id')).toBe('short-id');
  });

  it('answers a signed body that is not JSON with 400 and the reason, and lists it as a rejected delivery', async () => {
    now = Date.now();
    const app = webhooksApp();
    const truncated = '[{"eventId": 1, "subscriptionType": "contact.creation"';
    const res = await signed(app, truncated).expect(400);
    expect(res.body.detail).toMatch(/sent as application\/json but is not valid JSON/);
    const empty = await signed(app, '').expect(400);
    expect(empty.body.detail).toMatch(/the body is empty/);
    // nothing recorded as an event
    const pending = await bed.hub.repos.webhookEvents.pending(connectionId, 1000);
    expect(pending.every((e) => e.eventId !== '1')).toBe(true);

    const listed = await bed.as('viewer').get(`/connections/${connectionId}/webhook-rejections`).expect(200);
    expect(listed.body.items).toHaveLength(2);
    expect(listed.body.items[1]).toMatchObject({
      connectionId,
      webhook: expect.any(String),
      reason: expect.stringMatching(/not valid JSON/),
      contentType: 'application/json',
      bodyBytes: Buffer.byteLength(truncated),
      bodySha256: expect.stringMatching(/^[0-9a-f]{64}$/),
    });
    const paged = await bed.as('viewer').get(`/connections/${connectionId}/webhook-rejections?limit=1`).expect(200);
    expect(paged.body.items).toHaveLength(1);
    const next = await bed
      .as('viewer')
      .get(`/connections/${connectionId}/webhook-rejections?limit=1&cursor=${paged.body.nextCursor as string}`)
      .expect(200);
    expect(next.body.items[0].id).toBe(listed.body.items[1].id);
    await bed.as('viewer').get('/connections/nope/webhook-rejections').expect(404);

    // an unsigned body that is not JSON is still only a 401, and recorded nowhere
    await request(app).post(`/webhooks/${connectionId}`).set('content-type', 'application/json').send('{').expect(401);
    const after = await bed.as('viewer').get(`/connections/${connectionId}/webhook-rejections`).expect(200);
    expect(after.body.items).toHaveLength(2);
  });
});
