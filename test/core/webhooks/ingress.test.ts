import type { Express } from 'express';
import request from 'supertest';
import { createApp } from '../../../core/api/app';
import { WEBHOOK_ROUTES, createWebhooksRouter, type WebhooksRouterOptions } from '../../../core/api/webhooks-router';
import { createLogger } from '../../../core/logging/logger';
import type { ConnectorDefinition } from '../../../core/sdk';
import { Vault, generateVaultKey } from '../../../core/security/vault';
import { ConnectionsRepo, WebhookEventsRepo, openStore, type Store } from '../../../core/store';
import { signTestWebhook, webhookTestConnector } from '../../fixtures/connectors/webhook-test';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

const logger = createLogger({ level: 'silent' });
const secret = 'whsec-test-0123456789';
const registry = (...connectors: ConnectorDefinition[]) => ({
  has: (id: string) => connectors.some((c) => c.id === id),
  get: (id: string) => {
    const found = connectors.find((c) => c.id === id);
    if (!found) throw new Error(`unknown connector ${id}`);
    return found;
  },
});

describe('webhook ingress (POST/GET /webhooks/:connectionId)', () => {
  let dir: string;
  let store: Store;
  let connections: ConnectionsRepo;
  let events: WebhookEventsRepo;
  let connectionId: string;
  let onAccepted: jest.Mock;

  const appWith = (options: Partial<WebhooksRouterOptions> = {}): Express =>
    createApp({
      logger,
      version: 'test',
      readiness: [],
      ingressRoutes: [
        {
          path: '/webhooks',
          routes: WEBHOOK_ROUTES,
          router: createWebhooksRouter({
            connections,
            registry: registry(webhookTestConnector),
            events,
            onAccepted,
            logger,
            ...options,
          }),
        },
      ],
    });

  const body = (...ids: string[]) =>
    // deliberately not JSON.stringify's spacing: the signature covers the bytes as sent
    `{ "events": [ ${ids.map((id) => `{"id": "${id}", "type": "contact.updated", "record": {"id": "r-${id}"}}`).join(', ')} ] }`;

  const post = (app: Express, payload: string, headers: Record<string, string>, id = connectionId) =>
    request(app).post(`/webhooks/${id}`).set('content-type', 'application/json').set(headers).send(payload);

  const recorded = async () => (await events.pending(connectionId, 1000)).map((e) => e.eventId);

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
  beforeEach(async () => {
    await store.db.deleteFrom('webhook_events').execute();
    await store.db.deleteFrom('connections').execute();
    const created = await connections.create({
      name: 'crm',
      connectorId: 'webhook-test',
      settings: { secret, verifyToken: 'verify-me' },
      settingsSchema: webhookTestConnector.settingsSchema,
    });
    connectionId = created.id;
    onAccepted = jest.fn();
  });

  it('accepts a signed delivery, records its events durably and tells the runner', async () => {
    let recordedWhenTold: string[] = [];
    onAccepted.mockImplementation(async () => {
      recordedWhenTold = await recorded();
    });
    const app = appWith();
    const payload = body('e1', 'e2');
    const res = await post(app, payload, signTestWebhook(secret, payload, Date.now())).expect(200);
    expect(res.body).toEqual({ accepted: 2, duplicates: 0 });
    expect(await recorded()).toEqual(['e1', 'e2']);
    expect(onAccepted).toHaveBeenCalledTimes(1);
    expect(onAccepted).toHaveBeenCalledWith(connectionId, ['e1', 'e2']);
    expect(recordedWhenTold).toEqual(['e1', 'e2']); // recorded before the runner is told (and before the 2xx)
    const [first] = await events.pending(connectionId);
    expect(first).toMatchObject({ webhook: 'events', event: { id: 'e1', record: { id: 'r-e1' } } });
  });

  it('records an event once when it is delivered twice', async () => {
    const app = appWith();
    const payload = body('e1');
    const headers = signTestWebhook(secret, payload, Date.now());
    await post(app, payload, headers).expect(200, { accepted: 1, duplicates: 0 });
    await post(app, payload, headers).expect(200, { accepted: 0, duplicates: 1 });
    const again = body('e1', 'e3');
    await post(app, again, signTestWebhook(secret, again, Date.now())).expect(200, { accepted: 1, duplicates: 1 });
    expect(await recorded()).toEqual(['e1', 'e3']);
    expect(onAccepted.mock.calls).toEqual([
      [connectionId, ['e1']],
      [connectionId, ['e3']],
    ]);
  });

  it.each([
    [
      'an altered body',
      (p: string) => ({ payload: p.replace('r-e1', 'r-e9'), headers: signTestWebhook(secret, p, Date.now()) }),
    ],
    [
      'a stale timestamp',
      (p: string) => ({ payload: p, headers: signTestWebhook(secret, p, Date.now() - 6 * 60 * 1000) }),
    ],
    ['the wrong secret', (p: string) => ({ payload: p, headers: signTestWebhook('not-the-secret', p, Date.now()) })],
    ['no signature', (p: string) => ({ payload: p, headers: {} as Record<string, string> })],
  ])('answers 401 to %s, recording nothing and telling nobody', async (_case, make) => {
    const { payload, headers } = make(body('e1'));
    const res = await post(appWith(), payload, headers).expect(401);
    expect(res.headers['content-type']).toContain('application/problem+json');
    expect(res.body).toMatchObject({ status: 401, title: 'Unauthorized' });
    expect(JSON.stringify(res.body)).not.toMatch(/secret|stack|at .*\.ts/);
    expect(await recorded()).toEqual([]);
    expect(onAccepted).not.toHaveBeenCalled();
  });

  it('answers 413 to a body over the limit, recording nothing', async () => {
    const app = appWith({ maxBodyBytes: 1024 });
    const payload = body(...Array.from({ length: 40 }, (_, i) => `big-${i}`));
    expect(payload.length).toBeGreaterThan(1024);
    const res = await post(app, payload, signTestWebhook(secret, payload, Date.now())).expect(413);
    expect(res.headers['content-type']).toContain('application/problem+json');
    expect(await recorded()).toEqual([]);
    expect(onAccepted).not.toHaveBeenCalled();
  });

  it('answers 404 problems for unknown connections, names, connectors and webhooks', async () => {
    const app = appWith();
    const payload = body('e1');
    const headers = signTestWebhook(secret, payload, Date.now());
    const unknown = await post(app, payload, headers, 'con_unknown').expect(404);
    expect(unknown.headers['content-type']).toContain('application/problem+json');
    await post(app, payload, headers, 'crm').expect(404); // a name is not an address
    await request(app).post(`/webhooks/${connectionId}/nope`).send(payload).expect(404);
    await request(app)
      .post(`/webhooks/${connectionId}/events`)
      .set('content-type', 'application/json')
      .set(headers)
      .send(payload)
      .expect(200);
    const other = await connections.create({ name: 'gone', connectorId: 'uninstalled', settings: {} });
    await post(app, payload, headers, other.id).expect(404);
  });

  it('answers the GET handshake with the challenge, and refuses a wrong token', async () => {
    const app = appWith();
    const ok = await request(app)
      .get(`/webhooks/${connectionId}`)
      .query({ 'hub.mode': 'subscribe', 'hub.verify_token': 'verify-me', 'hub.challenge': '1158201444' })
      .expect(200);
    expect(ok.text).toBe('1158201444');
    expect(ok.headers['content-type']).toContain('text/plain');
    expect(ok.headers['x-content-type-options']).toBe('nosniff');
    await request(app)
      .get(`/webhooks/${connectionId}`)
      .query({ 'hub.mode': 'subscribe', 'hub.verify_token': 'wrong', 'hub.challenge': '1' })
      .expect(403);
    const none = await request(app).get(`/webhooks/${connectionId}`).expect(405);
    expect(none.headers.allow).toBe('POST');
    expect(await recorded()).toEqual([]);
  });

  it('limits the request rate per connection with 429 and Retry-After', async () => {
    const app = appWith({ rateLimit: { limit: 2, windowMs: 60_000 } });
    const payload = body('e1');
    const headers = signTestWebhook(secret, payload, Date.now());
    await post(app, payload, headers).expect(200);
    await post(app, payload, headers).expect(200);
    const limited = await post(app, payload, headers).expect(429);
    expect(Number(limited.headers['retry-after'])).toBeGreaterThanOrEqual(1);
    expect(limited.headers['content-type']).toContain('application/problem+json');
    // another connection has its own budget
    await post(app, payload, headers, 'con_other').expect(404);
  });

  it('answers 400 to a signed but unparseable payload, recording nothing', async () => {
    const payload = '{ not json';
    await post(appWith(), payload, signTestWebhook(secret, payload, Date.now())).expect(400);
    expect(await recorded()).toEqual([]);
  });

  it('keeps the events (and answers 200) when telling the runner fails', async () => {
    const app = appWith({
      onAccepted: () => {
        throw new Error('queue down');
      },
    });
    const payload = body('e7');
    await post(app, payload, signTestWebhook(secret, payload, Date.now())).expect(200, { accepted: 1, duplicates: 0 });
    expect(await recorded()).toEqual(['e7']);
  });

  it('answers 500 without details when a connector returns events without ids', async () => {
    const broken: ConnectorDefinition = {
      ...webhookTestConnector,
      webhooks: [{ ...webhookTestConnector.webhooks![0], parse: () => [{ type: 'x' } as never] }],
    } as ConnectorDefinition;
    const app = createApp({
      logger,
      version: 'test',
      readiness: [],
      ingressRoutes: [
        {
          path: '/webhooks',
          routes: WEBHOOK_ROUTES,
          router: createWebhooksRouter({ connections, registry: registry(broken), events, onAccepted, logger }),
        },
      ],
    });
    const payload = body('e1');
    const res = await post(app, payload, signTestWebhook(secret, payload, Date.now())).expect(500);
    expect(res.body).toEqual({ type: 'about:blank', title: 'Internal Server Error', status: 500 });
    expect(await recorded()).toEqual([]);
    expect(onAccepted).not.toHaveBeenCalled();
  });

  it('reuses a looked-up connection for connectionCacheMs (and not at all with 0)', async () => {
    const lookups = jest.fn();
    const counting = {
      get: (...args: Parameters<ConnectionsRepo['get']>) => {
        lookups();
        return connections.get(...args);
      },
    };
    const payload = body('e1');
    const headers = signTestWebhook(secret, payload, Date.now());
    const cached = appWith({ connections: counting });
    await post(cached, payload, headers).expect(200);
    await post(cached, payload, headers).expect(200);
    expect(lookups).toHaveBeenCalledTimes(1);
    const uncached = appWith({ connections: counting, connectionCacheMs: 0 });
    await post(uncached, payload, headers).expect(200);
    await post(uncached, payload, headers).expect(200);
    expect(lookups).toHaveBeenCalledTimes(3);
  });

  it('leaves the JSON parser of the other routes alone', async () => {
    const app = appWith();
    await request(app).post('/nope').send({ a: 1 }).expect(404);
  });
});
