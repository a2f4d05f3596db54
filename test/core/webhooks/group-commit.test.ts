import fs from 'node:fs';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import request from 'supertest';
import { createApp } from '../../../core/api/app';
import { WEBHOOK_ROUTES, createWebhooksRouter } from '../../../core/api/webhooks-router';
import { createLogger } from '../../../core/logging/logger';
import type { ConnectorDefinition } from '../../../core/sdk';
import { Vault, generateVaultKey } from '../../../core/security/vault';
import {
  ConnectionsRepo,
  WebhookEventsRepo,
  openStore,
  type FlowsRepo,
  type RecordBatch,
  type RecordManyResult,
  type Store,
} from '../../../core/store';
import { createWebhookTrigger } from '../../../core/flows/webhook-trigger';
import { RecordBatcher, SqliteEventWriter, WebhookIngress, webhookEventRecorder } from '../../../core/webhooks';
import { signTestWebhook, webhookTestConnector } from '../../fixtures/connectors/webhook-test';

/**
 * Group commit on SQLite as `hub serve` records webhook events: RecordBatcher over the writer thread
 * (SqliteEventWriter), against a store file. Every delivery answered 2xx is durably recorded once; a group that
 * cannot be committed is refused whole (5xx to each of its deliveries, none of their events recorded), so the
 * vendors' retries bring them in.
 */
const logger = createLogger({ level: 'silent' });
const secret = 'whsec-group-commit-0123456789';
const registry = {
  has: (id: string) => id === webhookTestConnector.id,
  get: () => webhookTestConnector as ConnectorDefinition,
};
const body = (...ids: string[]) =>
  JSON.stringify({ events: ids.map((id) => ({ id, type: 'contact.updated', record: { id: `r-${id}` } })) });

describe('webhook group commit on SQLite (writer thread)', () => {
  let dir: string;
  let store: Store;
  let connections: ConnectionsRepo;
  let repo: WebhookEventsRepo;
  let writer: SqliteEventWriter;
  /** Deliveries per write the writer was asked for. */
  let groups: number[];
  /** The deliveries of every write, in the order written. */
  let calls: RecordBatch[];
  let recorder: { recordBatches(batches: readonly RecordBatch[]): Promise<RecordManyResult[]> };
  let connectionId: string;

  const storedIds = async (id = connectionId) => (await repo.pending(id, 10_000)).map((e) => e.eventId).sort();
  const connection = async (name: string) =>
    (
      await connections.create({
        name,
        connectorId: webhookTestConnector.id,
        settings: { secret, verifyToken: 'v' },
        settingsSchema: webhookTestConnector.settingsSchema,
      })
    ).id;

  beforeEach(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'hub-group-commit-'));
    store = await openStore({ dataDir: dir });
    connections = new ConnectionsRepo(store.db, new Vault([generateVaultKey()]));
    repo = new WebhookEventsRepo(store.db);
    writer = new SqliteEventWriter(store.location);
    groups = [];
    calls = [];
    recorder = {
      recordBatches: (batches) => {
        groups.push(batches.length);
        calls.push(...batches);
        return writer.recordBatches(batches);
      },
    };
    connectionId = await connection('source');
  });
  afterEach(async () => {
    await writer.close();
    await store.close();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('uses the writer thread for a SQLite file and the repository otherwise', () => {
    expect(webhookEventRecorder(store, repo)).toBeInstanceOf(SqliteEventWriter);
    expect(webhookEventRecorder({ engine: 'sqlite', location: ':memory:' }, repo)).toBe(repo);
    expect(webhookEventRecorder({ engine: 'postgres', location: 'postgres://h/db' }, repo)).toBe(repo);
  });

  it('records concurrent HTTP deliveries in shared commits, each event once, and tells the runner each once', async () => {
    const told: string[] = [];
    const app = createApp({
      logger,
      version: 'test',
      readiness: [],
      ingressRoutes: [
        {
          path: '/webhooks',
          routes: WEBHOOK_ROUTES,
          router: createWebhooksRouter({
            connections,
            registry,
            events: new RecordBatcher(recorder),
            onAccepted: (_id, ids) => void told.push(...ids),
            logger,
            rateLimit: false,
          }),
        },
      ],
    });
    const server: Server = app.listen(0, '127.0.0.1');
    await new Promise<void>((resolve) => server.once('listening', () => resolve()));
    const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/webhooks/${connectionId}`;
    try {
      // 60 deliveries at once: neighbours share an event (a vendor retrying while the first try is in flight),
      // and delivery i repeats event e<i> within itself
      const deliveries = Array.from({ length: 60 }, (_, i) => body(`e${i}`, `e${i + 1}`, `e${i}`));
      const answers = await Promise.all(
        deliveries.map(async (payload) => {
          const res = await fetch(url, {
            method: 'POST',
            headers: { 'content-type': 'application/json', ...signTestWebhook(secret, payload, Date.now()) },
            body: payload,
          });
          return { status: res.status, body: (await res.json()) as { accepted: number; duplicates: number } };
        }),
      );
      expect(answers.map((a) => a.status)).toEqual(deliveries.map(() => 200));
      const distinct = Array.from({ length: 61 }, (_, i) => `e${i}`).sort();
      // every event accepted by exactly one delivery; the rest of the 180 answered as duplicates
      expect(answers.reduce((n, a) => n + a.body.accepted, 0)).toBe(61);
      expect(answers.reduce((n, a) => n + a.body.duplicates, 0)).toBe(180 - 61);
      expect(await storedIds()).toEqual(distinct);
      expect([...told].sort()).toEqual(distinct);
      // group commit happened: fewer writes than deliveries, at least one write shared by several deliveries
      expect(groups.reduce((n, g) => n + g, 0)).toBe(60);
      expect(Math.max(...groups)).toBeGreaterThan(1);
      // the rows are readable through the hub's own connection, with the event as parsed
      const [first] = await repo.pending(connectionId, 1);
      expect(first.event).toEqual({ id: first.eventId, type: 'contact.updated', record: { id: `r-${first.eventId}` } });
    } finally {
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
    }
  });

  it('queues the webhook-triggered flow for every delivery before its 2xx, in fewer passes than deliveries', async () => {
    const runs: number[] = [];
    const trigger = createWebhookTrigger({
      flows: {
        list: async () =>
          [
            { id: 'flw_hooked', sourceConnectionId: connectionId, definition: { trigger: { type: 'webhook' } } },
          ] as unknown as Awaited<ReturnType<FlowsRepo['list']>>,
      },
      // as `hub serve` does on a SQLite file: ids read on the hub's connection, marked by the writer thread
      events: {
        pendingIds: (id, limit) => repo.pendingIds(id, limit),
        markProcessed: (ids) => writer.markProcessed(ids),
      },
      runner: { startRun: async () => ({ runId: `run_${runs.push(Date.now())}`, created: runs.length === 1 }) },
      logger,
    });
    const app = createApp({
      logger,
      version: 'test',
      readiness: [],
      ingressRoutes: [
        {
          path: '/webhooks',
          routes: WEBHOOK_ROUTES,
          router: createWebhooksRouter({
            connections,
            registry,
            events: new RecordBatcher(recorder),
            onAccepted: (id, ids) => trigger.onAccepted(id, ids),
            logger,
            rateLimit: false,
          }),
        },
      ],
    });
    const server: Server = app.listen(0, '127.0.0.1');
    await new Promise<void>((resolve) => server.once('listening', () => resolve()));
    const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/webhooks/${connectionId}`;
    try {
      const unprocessedAtAnswer = await Promise.all(
        Array.from({ length: 30 }, async (_, i) => {
          const payload = body(`t${i}`);
          const res = await fetch(url, {
            method: 'POST',
            headers: { 'content-type': 'application/json', ...signTestWebhook(secret, payload, Date.now()) },
            body: payload,
          });
          expect(res.status).toBe(200);
          // answered only after a trigger pass that saw this delivery's event: it is already marked processed
          const row = await store.db
            .selectFrom('webhook_events')
            .select('processed_at')
            .where('event_id', '=', `t${i}`)
            .executeTakeFirstOrThrow();
          return row.processed_at === null ? [`t${i}`] : [];
        }),
      );
      expect(unprocessedAtAnswer.flat()).toEqual([]);
      expect(await repo.pending(connectionId)).toEqual([]);
      expect(runs.length).toBeGreaterThanOrEqual(1);
      expect(runs.length).toBeLessThan(30);
    } finally {
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
    }
  });

  it('refuses every delivery of a group that cannot be committed (503), records none of it, and takes the retries', async () => {
    // a connection deleted while its delivery is in flight: its insert breaks the foreign key, mid-group
    const doomed = await connection('doomed');
    const told: string[] = [];
    const ingress = new WebhookIngress({
      connections,
      registry,
      events: new RecordBatcher(recorder),
      onAccepted: (_id, ids) => void told.push(...ids),
      logger,
      rateLimit: false,
    });
    const delivery = (id: string, payload: string) => ({
      connectionId: id,
      method: 'POST',
      url: `https://hub.example.com/webhooks/${id}`,
      headers: { 'content-type': 'application/json', ...signTestWebhook(secret, payload, Date.now()) },
      query: {},
      rawBody: Buffer.from(payload),
      receivedAt: new Date(),
    });
    // the ingress has looked both connections up (they are cached) before the doomed one is deleted; so the
    // deliveries below reach the group in the order given, the doomed one after rows of others
    expect(await ingress.handle(delivery(connectionId, body('a0')))).toMatchObject({ status: 200 });
    expect(await ingress.handle(delivery(doomed, body('d0')))).toMatchObject({ status: 200 });
    expect(await connections.delete(doomed)).toBe(true);
    groups.length = 0;
    calls.length = 0;

    const payloads = [body('a1', 'a2'), body('a3'), body('a4', 'a5', 'a6')];
    const answers = await Promise.all([
      ...payloads.slice(0, 2).map((p) => ingress.handle(delivery(connectionId, p))),
      ingress.handle(delivery(doomed, body('d1'))),
      ingress.handle(delivery(connectionId, payloads[2])),
    ]);
    expect(groups).toEqual([4]); // one group, one transaction
    expect(calls.map((c) => c.connectionId)).toEqual([connectionId, connectionId, doomed, connectionId]);
    for (const answer of answers) {
      expect(answer).toMatchObject({ kind: 'problem', status: 503, headers: { 'retry-after': '1' } });
    }
    // all or nothing: not even the rows inserted before the failing one are there
    expect(await storedIds()).toEqual(['a0']);
    expect(told).toEqual(['a0', 'd0']);

    // the vendor sends them again: all accepted, none lost
    const retried = await Promise.all(payloads.map((p) => ingress.handle(delivery(connectionId, p))));
    expect(retried.map((r) => (r.kind === 'json' ? r.body : r))).toEqual([
      { accepted: 2, duplicates: 0 },
      { accepted: 1, duplicates: 0 },
      { accepted: 3, duplicates: 0 },
    ]);
    expect(await storedIds()).toEqual(['a0', 'a1', 'a2', 'a3', 'a4', 'a5', 'a6']);
    expect(told.slice(2).sort()).toEqual(['a1', 'a2', 'a3', 'a4', 'a5', 'a6']);
  });

  it('answers 503 with Retry-After over HTTP when recording fails, without saying why', async () => {
    const app = createApp({
      logger,
      version: 'test',
      readiness: [],
      ingressRoutes: [
        {
          path: '/webhooks',
          routes: WEBHOOK_ROUTES,
          router: createWebhooksRouter({
            connections,
            registry,
            events: { recordMany: () => Promise.reject(new Error('database or disk is full')) },
            logger,
          }),
        },
      ],
    });
    const payload = body('x1');
    const res = await request(app)
      .post(`/webhooks/${connectionId}`)
      .set('content-type', 'application/json')
      .set(signTestWebhook(secret, payload, Date.now()))
      .send(payload)
      .expect(503);
    expect(res.headers['retry-after']).toBe('1');
    expect(res.body).toEqual({
      type: 'about:blank',
      title: 'Service Unavailable',
      status: 503,
      detail: 'the delivery was not recorded; send it again',
    });
  });

  it('refuses groups while the file cannot be opened, and records once it can', async () => {
    const batch: RecordBatch = { connectionId, events: [{ id: 'o1', type: 't' }] };
    const missing = new SqliteEventWriter(path.join(dir, 'no-such-folder', 'hub.sqlite'));
    try {
      await expect(missing.recordBatches([batch])).rejects.toThrow(/^webhook events not recorded: .*open/);
      await expect(missing.recordBatches([batch])).rejects.toThrow(/^webhook events not recorded: .*open/);
    } finally {
      await missing.close();
    }
    await expect(writer.recordBatches([batch])).resolves.toEqual([{ accepted: ['o1'], duplicates: [] }]);
  });

  it('a closed writer refuses new groups; what it answered before is recorded, and other writers go on', async () => {
    const batch = (id: string): RecordBatch => ({ connectionId, events: [{ id, type: 't' }] });
    await expect(writer.recordBatches([batch('w1')])).resolves.toEqual([{ accepted: ['w1'], duplicates: [] }]);
    const other = new SqliteEventWriter(store.location);
    await expect(other.recordBatches([batch('w2')])).resolves.toEqual([{ accepted: ['w2'], duplicates: [] }]);
    await other.close();
    await expect(other.recordBatches([batch('w3')])).rejects.toThrow('the webhook event writer is closed');
    await expect(writer.recordBatches([batch('w2'), batch('w4')])).resolves.toEqual([
      { accepted: [], duplicates: ['w2'] },
      { accepted: ['w4'], duplicates: [] },
    ]);
    expect(await storedIds()).toEqual(['w1', 'w2', 'w4']);
  });
});
