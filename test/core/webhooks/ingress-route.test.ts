import fs from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { Writable } from 'node:stream';
import { gzipSync } from 'node:zlib';
import type { Express } from 'express';
import request from 'supertest';
import { createApp } from '../../../core/api/app';
import { WEBHOOK_ROUTES, createWebhooksRouter } from '../../../core/api/webhooks-router';
import { createLogger } from '../../../core/logging/logger';
import { createHubMetrics, METRIC_NAMES } from '../../../core/observability';
import type { ConnectorDefinition } from '../../../core/sdk';
import { Vault, generateVaultKey } from '../../../core/security/vault';
import { ConnectionsRepo, WebhookEventsRepo, openStore, type Store } from '../../../core/store';
import { signTestWebhook, webhookTestConnector } from '../../fixtures/connectors/webhook-test';
import { labelSets, sampleValue } from '../observability/prom';

/**
 * The webhook route as `hub serve` mounts it (createApp's ingressRoutes: first, before helmet, CORS and the JSON
 * parser, its own body reading): what the middleware it no longer goes through used to do is still done. Bodies
 * over the limit are refused however they are sent, a compressed body is inflated before its signature is
 * checked, paths and methods it does not answer reach the app's 404, and every request is timed and access-logged
 * by its route pattern, never its URL.
 */

const secret = 'whsec-route-0123456789';
const PATTERN = '/webhooks/:connectionId|/webhooks/:connectionId/:webhook';

function capture(level: 'debug' | 'info' = 'debug') {
  const lines: string[] = [];
  const destination = new Writable({
    write(chunk, _enc, done) {
      lines.push(String(chunk));
      done();
    },
  });
  const entries = () =>
    lines
      .join('')
      .trim()
      .split('\n')
      .filter(Boolean)
      .map((l) => JSON.parse(l) as Record<string, unknown>);
  return { lines, entries, logger: createLogger({ level, destination }) };
}

describe('the webhook ingress route (mounted first, with only what it needs)', () => {
  let dir: string;
  let store: Store;
  let connections: ConnectionsRepo;
  let events: WebhookEventsRepo;
  let connectionId: string;

  /** The same connector, its check answered by a promise (a verify may look something up). */
  const [hook] = webhookTestConnector.webhooks ?? [];
  const asyncConnector = {
    ...webhookTestConnector,
    id: 'webhook-test-async',
    webhooks: [
      {
        ...hook,
        verify: async (...args: Parameters<typeof hook.verify>) => {
          await new Promise((resolve) => setImmediate(resolve));
          if (args[0].headers['x-test-throw'] !== undefined) throw new Error('lookup failed');
          return hook.verify(...args);
        },
      },
    ],
  };
  const connectors = new Map<string, ConnectorDefinition>([
    [webhookTestConnector.id, webhookTestConnector as ConnectorDefinition],
    [asyncConnector.id, asyncConnector as ConnectorDefinition],
  ]);
  const registry = {
    has: (id: string) => connectors.has(id),
    get: (id: string) => connectors.get(id) as ConnectorDefinition,
  };

  const hub = (maxBodyBytes?: number, level: 'debug' | 'info' = 'debug') => {
    const log = capture(level);
    const metrics = createHubMetrics({ defaultMetrics: false });
    const router = createWebhooksRouter({ connections, registry, events, logger: log.logger, maxBodyBytes });
    const app: Express = createApp({
      logger: log.logger,
      version: 'test',
      readiness: [],
      metrics,
      ingressRoutes: [{ path: '/webhooks', router, routes: WEBHOOK_ROUTES }],
    });
    return { app, metrics, log };
  };

  /** A POST through node:http (supertest re-encodes a Buffer sent as JSON); `chunks` are written one by one. */
  const postRaw = async (app: Express, headers: Record<string, string>, chunks: (string | Buffer)[]) => {
    const server = app.listen(0, '127.0.0.1');
    await new Promise<void>((resolve) => server.once('listening', () => resolve()));
    try {
      const { port } = server.address() as AddressInfo;
      return await new Promise<number | undefined>((resolve, reject) => {
        const req = http.request(
          { host: '127.0.0.1', port, path: `/webhooks/${connectionId}`, method: 'POST', headers },
          (res) => {
            res.resume();
            resolve(res.statusCode);
          },
        );
        req.on('error', reject);
        for (const chunk of chunks) req.write(chunk);
        req.end();
      });
    } finally {
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
    }
  };

  const body = (...ids: string[]) =>
    JSON.stringify({ events: ids.map((id) => ({ id, type: 'contact.updated', record: { id: `r-${id}` } })) });
  const recorded = async () => (await events.pending(connectionId, 1000)).map((e) => e.eventId).sort();

  beforeAll(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'hub-webhook-route-'));
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
      connectorId: webhookTestConnector.id,
      settings: { secret, verifyToken: 'verify-me' },
      settingsSchema: webhookTestConnector.settingsSchema,
    });
    connectionId = created.id;
  });

  it('accepts a signed delivery at /:connectionId, /:connectionId/, /:connectionId/:webhook and /Webhooks/…', async () => {
    const { app } = hub();
    for (const [suffix, id] of [
      ['', 'a1'],
      ['/', 'a2'],
      ['/events', 'a3'],
    ]) {
      const payload = body(id);
      const res = await request(app)
        .post(`/webhooks/${connectionId}${suffix}`)
        .set('content-type', 'application/json')
        .set(signTestWebhook(secret, payload, Date.now()))
        .send(payload)
        .expect(200);
      expect(res.body).toEqual({ accepted: 1, duplicates: 0 });
      expect(res.headers['content-type']).toBe('application/json; charset=utf-8');
      expect(res.headers['x-content-type-options']).toBe('nosniff');
    }
    // express matches mount paths in any letter case: such a request reaches the same router through express
    const payload = body('a4');
    await request(app)
      .post(`/Webhooks/${connectionId}`)
      .set('content-type', 'application/json')
      .set(signTestWebhook(secret, payload, Date.now()))
      .send(payload)
      .expect(200);
    expect(await recorded()).toEqual(['a1', 'a2', 'a3', 'a4']);
  });

  it('waits for a verify that answers with a promise: accepted when it resolves true, 401 when false or rejected', async () => {
    const { app } = hub();
    const { id } = await connections.create({
      name: 'async',
      connectorId: asyncConnector.id,
      settings: { secret, verifyToken: 'verify-me' },
      settingsSchema: webhookTestConnector.settingsSchema,
    });
    const payload = body('v1');
    const signed = signTestWebhook(secret, payload, Date.now());
    const post = (headers: Record<string, string>) =>
      request(app).post(`/webhooks/${id}`).set('content-type', 'application/json').set(headers).send(payload);
    await post({ ...signed, 'x-test-signature': '00' }).expect(401);
    await post({ ...signed, 'x-test-throw': '1' }).expect(401);
    expect(await events.pending(id)).toEqual([]);
    await post(signed).expect(200, { accepted: 1, duplicates: 0 });
    expect((await events.pending(id)).map((e) => e.eventId)).toEqual(['v1']);
  });

  it('checks the signature on the bytes as sent: the same events re-serialised are refused', async () => {
    const { app } = hub();
    const payload = body('s1');
    const headers = signTestWebhook(secret, payload, Date.now());
    const respaced = JSON.stringify(JSON.parse(payload), null, 1);
    await request(app)
      .post(`/webhooks/${connectionId}`)
      .set('content-type', 'application/json')
      .set(headers)
      .send(respaced)
      .expect(401);
    expect(await recorded()).toEqual([]);
  });

  it('refuses a chunked body over the limit with 413 (no Content-Length to go by), recording nothing', async () => {
    const { app } = hub(1024);
    const payload = body(...Array.from({ length: 40 }, (_, i) => `big-${i}`));
    expect(payload.length).toBeGreaterThan(1024);
    const pieces: string[] = [];
    // sent in pieces, chunked: the limit is found while reading
    for (let at = 0; at < payload.length; at += 256) pieces.push(payload.slice(at, at + 256));
    const headers = { 'content-type': 'application/json', ...signTestWebhook(secret, payload, Date.now()) };
    expect(await postRaw(app, headers, pieces)).toBe(413);
    expect(await recorded()).toEqual([]);
  });

  it('inflates a gzip-encoded body and checks the signature on what it inflates to', async () => {
    const { app } = hub();
    const payload = body('z1');
    const headers = {
      'content-type': 'application/json',
      'content-encoding': 'gzip',
      ...signTestWebhook(secret, payload, Date.now()),
    };
    expect(await postRaw(app, headers, [gzipSync(payload)])).toBe(200);
    expect(await recorded()).toEqual(['z1']);
  });

  it('passes other paths and methods on to the app (404 problem), and answers bad percent-encoding 400', async () => {
    const { app } = hub();
    const payload = body('p1');
    const headers = signTestWebhook(secret, payload, Date.now());
    for (const res of [
      await request(app).put(`/webhooks/${connectionId}`).set(headers).send(payload),
      await request(app).post(`/webhooks/${connectionId}/events/extra`).set(headers).send(payload),
      await request(app).post('/webhooks').set(headers).send(payload),
      await request(app).post('/webhooks//events').set(headers).send(payload),
    ]) {
      expect(res.status).toBe(404);
      expect(res.headers['content-type']).toContain('application/problem+json');
    }
    await request(app).post('/webhooks/%E0%A4%A').set(headers).send(payload).expect(400);
    expect(await recorded()).toEqual([]);
  });

  it('times and access-logs each request by route pattern, never by URL, query or body', async () => {
    const { app, metrics, log } = hub();
    const payload = body('m1');
    await request(app)
      .post(`/webhooks/${connectionId}/events?token=qs-secret`)
      .set('content-type', 'application/json')
      .set(signTestWebhook(secret, payload, Date.now()))
      .send(payload)
      .expect(200);
    await request(app).post(`/webhooks/${connectionId}`).send('{}').expect(401);
    await request(app).put(`/webhooks/${connectionId}`).send('{}').expect(404);

    const text = (await metrics.render()).body;
    const count = (method: string, route: string, status: string) =>
      sampleValue(text, `${METRIC_NAMES.httpDuration}_count`, { method, route, status });
    expect(count('POST', PATTERN, '200')).toBe(1);
    expect(count('POST', PATTERN, '401')).toBe(1);
    expect(count('PUT', 'unmatched', '404')).toBe(1);
    const series = labelSets(text, `${METRIC_NAMES.httpDuration}_count`).join('\n');
    expect(series).not.toContain(connectionId);

    const access = log.entries().filter((e) => e.module === 'http');
    expect(access).toHaveLength(3);
    // an accepted delivery at debug (as probes are), a refused one at info
    expect(access[0]).toMatchObject({ level: 20, msg: 'request', method: 'POST', route: PATTERN, status: 200 });
    expect(access[1]).toMatchObject({ level: 30, msg: 'request', method: 'POST', route: PATTERN, status: 401 });
    expect(typeof access[0].durationMs).toBe('number');
    expect(access[2]).toMatchObject({ method: 'PUT', route: 'unmatched', status: 404 });
    const lines = JSON.stringify(access);
    for (const raw of [connectionId, 'qs-secret', 'r-m1']) expect(lines).not.toContain(raw);
    expect(log.lines.join('')).not.toContain(secret);
  });

  it('at the default level logs no access line for an accepted delivery, and one for a refused one', async () => {
    const { app, metrics, log } = hub(undefined, 'info');
    const payload = body('q1');
    await request(app)
      .post(`/webhooks/${connectionId}`)
      .set('content-type', 'application/json')
      .set(signTestWebhook(secret, payload, Date.now()))
      .send(payload)
      .expect(200);
    await request(app).post(`/webhooks/${connectionId}`).send('{}').expect(401);
    const access = log.entries().filter((e) => e.module === 'http');
    expect(access).toEqual([expect.objectContaining({ level: 30, route: PATTERN, status: 401 })]);
    // the metric still counts both
    const text = (await metrics.render()).body;
    const count = (status: string) =>
      sampleValue(text, `${METRIC_NAMES.httpDuration}_count`, { method: 'POST', route: PATTERN, status });
    expect([count('200'), count('401')]).toEqual([1, 1]);
  });
});
