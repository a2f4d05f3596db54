/**
 * Webhook ingress throughput: `npx tsx bench/webhooks.ts [N] [CONCURRENCY] [EVENTS_PER_REQUEST]`
 * (or BENCH_N / BENCH_CONCURRENCY / BENCH_EVENTS; defaults 5000, 32, 1).
 *
 * Starts the real ingress (express app, webhooks router, rate limiter on) on 127.0.0.1 over a SQLite store file
 * (WAL, as in production) with one connection of a test connector whose webhook verifies an HMAC-SHA256
 * signature with a 5-minute window, fires N signed POSTs with the given concurrency through node's fetch (from a
 * worker thread, so the load generator does not share the server's thread), and
 * prints accepted requests/s (verified + durably recorded before the 200) and p50/p95/p99 latency. Every event is
 * then counted in the store.
 */
import fs from 'node:fs';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { Worker } from 'node:worker_threads';
import { createApp } from '../core/api/app';
import { createWebhooksRouter } from '../core/api/webhooks-router';
import { createLogger } from '../core/logging/logger';
import type { ConnectorDefinition } from '../core/sdk';
import { Vault, generateVaultKey } from '../core/security/vault';
import { ConnectionsRepo, WebhookEventsRepo, openStore } from '../core/store';
import { RecordBatcher } from '../core/webhooks/record-batcher';
import { webhookTestConnector } from '../test/fixtures/connectors/webhook-test';

const N = Number(process.argv[2] ?? process.env.BENCH_N ?? 5000);
const CONCURRENCY = Number(process.argv[3] ?? process.env.BENCH_CONCURRENCY ?? 32);
const EVENTS = Number(process.argv[4] ?? process.env.BENCH_EVENTS ?? 1);
const SECRET = 'bench-webhook-secret-0123456789';
/** BENCH_GROUP_COMMIT=0 records each delivery in its own commit. */
const GROUP_COMMIT = process.env.BENCH_GROUP_COMMIT !== '0';

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];
}

interface ClientResult {
  latencies: number[];
  accepted: number;
  failed: number;
  seconds: number;
}

/** The load generator (plain JavaScript, run in a worker): signs like signTestWebhook, measures each request. */
const CLIENT = `
const { parentPort, workerData } = require('node:worker_threads');
const { createHmac } = require('node:crypto');
const { performance } = require('node:perf_hooks');
const { url, n, concurrency, events, secret } = workerData;
const sign = (body) => {
  const ts = Date.now();
  return { 'x-test-timestamp': String(ts), 'x-test-signature': createHmac('sha256', secret).update(ts + '.').update(body).digest('hex') };
};
const payload = (i) => JSON.stringify({ events: Array.from({ length: events }, (_, j) => ({
  id: 'evt-' + i + '-' + j, type: 'contact.updated', occurredAt: new Date().toISOString(),
  record: { id: 'c-' + i + '-' + j, email: 'user' + i + '.' + j + '@example.com', firstName: 'Ada', lifecycle: 'lead' },
})) });
const post = async (body) => {
  const res = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json', ...sign(body) }, body });
  return { status: res.status, answer: await res.json() };
};
(async () => {
  for (let i = 0; i < 50; i++) await post(JSON.stringify({ events: [{ id: 'warm-' + i, type: 'warm' }] }));
  const latencies = []; let accepted = 0; let failed = 0; let next = 0;
  const started = performance.now();
  await Promise.all(Array.from({ length: concurrency }, async () => {
    while (next < n) {
      const body = payload(next++);
      const t = performance.now();
      const { status, answer } = await post(body);
      latencies.push(performance.now() - t);
      if (status === 200 && answer.accepted === events) accepted++; else failed++;
    }
  }));
  parentPort.postMessage({ latencies, accepted, failed, seconds: (performance.now() - started) / 1000 });
})();
`;

async function main(): Promise<void> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'hub-bench-webhooks-'));
  const store = await openStore({ dataDir: dir });
  const logger = createLogger({ level: 'silent' });
  const connections = new ConnectionsRepo(store.db, new Vault([generateVaultKey()]));
  const events = new WebhookEventsRepo(store.db);
  const connection = await connections.create({
    name: 'bench',
    connectorId: webhookTestConnector.id,
    settings: { secret: SECRET, verifyToken: 'bench' },
    settingsSchema: webhookTestConnector.settingsSchema,
  });
  const connectors = new Map<string, ConnectorDefinition>([
    [webhookTestConnector.id, webhookTestConnector as ConnectorDefinition],
  ]);
  let told = 0;
  const router = createWebhooksRouter({
    connections,
    registry: { has: (id) => connectors.has(id), get: (id) => connectors.get(id) as ConnectorDefinition },
    events: GROUP_COMMIT ? new RecordBatcher(events) : events,
    logger,
    onAccepted: (_id, ids) => {
      told += ids.length;
    },
    rateLimit: { limit: 1_000_000, windowMs: 1000 },
  });
  const app = createApp({ logger, version: 'bench', readiness: [], rawBodyRoutes: [{ path: '/webhooks', router }] });
  const server = app.listen(0, '127.0.0.1');
  await new Promise<void>((resolve) => server.once('listening', () => resolve()));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/webhooks/${connection.id}`;

  // the load generator runs in a worker thread, so the client's own cost does not share the server's thread
  const worker = new Worker(CLIENT, {
    eval: true,
    workerData: { url, n: N, concurrency: CONCURRENCY, events: EVENTS, secret: SECRET },
  });
  const result = await new Promise<ClientResult>((resolve, reject) => {
    worker.once('message', resolve);
    worker.once('error', reject);
  });
  await worker.terminate();
  const { latencies, accepted, failed, seconds } = result;

  const sorted = latencies.sort((a, b) => a - b);
  const stored = await store.db
    .selectFrom('webhook_events')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .where('event_id', 'like', 'evt-%')
    .executeTakeFirstOrThrow();
  const fmt = (ms: number) => `${ms.toFixed(2)} ms`;
  console.log(
    `webhook ingress bench: ${N} requests × ${EVENTS} event(s), concurrency ${CONCURRENCY}, SQLite (WAL), group commit ${GROUP_COMMIT ? 'on' : 'off'}`,
  );
  console.log(
    `  accepted: ${accepted} (failed ${failed}); recorded in store: ${Number(stored.n)}; told runner: ${told - 50}`,
  );
  console.log(
    `  throughput: ${(accepted / seconds).toFixed(0)} accepted requests/s (${((accepted * EVENTS) / seconds).toFixed(0)} events/s)`,
  );
  console.log(
    `  latency: p50 ${fmt(percentile(sorted, 50))}, p95 ${fmt(percentile(sorted, 95))}, p99 ${fmt(percentile(sorted, 99))}`,
  );

  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
  await store.close();
  fs.rmSync(dir, { recursive: true, force: true });
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
