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
 *
 * Events are recorded as `hub serve` records them: group commit (RecordBatcher) over the SQLite writer thread
 * (SqliteEventWriter). BENCH_WRITER=inline records on the main connection instead (the commit's fsync then blocks
 * the event loop); BENCH_GROUP_COMMIT=0 records each delivery in its own commit, on the main connection.
 * BENCH_TRIGGER=flow adds the webhook trigger's own work after each recording (see below). BENCH_LOG=info logs as
 * `hub serve` does by default (one access line per request), to /dev/null; otherwise the logger is silent.
 */
import fs from 'node:fs';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { Worker } from 'node:worker_threads';
import pino from 'pino';
import { createApp } from '../core/api/app';
import { createWebhooksRouter, WEBHOOK_ROUTES } from '../core/api/webhooks-router';
import { createLogger } from '../core/logging/logger';
import type { ConnectorDefinition } from '../core/sdk';
import { Vault, generateVaultKey } from '../core/security/vault';
import { ConnectionsRepo, WebhookEventsRepo, openStore, type FlowsRepo } from '../core/store';
import { createWebhookTrigger } from '../core/flows/webhook-trigger';
import { RecordBatcher } from '../core/webhooks/record-batcher';
import { SqliteEventWriter } from '../core/webhooks/sqlite-event-writer';
import { webhookTestConnector } from '../test/fixtures/connectors/webhook-test';

const N = Number(process.argv[2] ?? process.env.BENCH_N ?? 5000);
const CONCURRENCY = Number(process.argv[3] ?? process.env.BENCH_CONCURRENCY ?? 32);
const EVENTS = Number(process.argv[4] ?? process.env.BENCH_EVENTS ?? 1);
const SECRET = 'bench-webhook-secret-0123456789';
/** BENCH_GROUP_COMMIT=0 records each delivery in its own commit. */
const GROUP_COMMIT = process.env.BENCH_GROUP_COMMIT !== '0';
/** BENCH_CLIENT=http: the load generator uses node:http instead of fetch. */
const CLIENT_KIND = process.env.BENCH_CLIENT === 'http' ? 'http' : 'fetch';
/** BENCH_WRITER=inline: group commit on the main connection instead of the writer thread. */
const WRITER = GROUP_COMMIT ? (process.env.BENCH_WRITER === 'inline' ? 'inline' : 'thread') : 'inline';

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];
}

interface ClientResult {
  latencies: number[];
  accepted: number;
  failed: number;
  seconds: number;
  /** CPU time of the load generator's thread over the measured requests. */
  cpuUs: number;
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
const http = require('node:http');
const agent = new http.Agent({ keepAlive: true, maxSockets: concurrency });
const target = new URL(url);
// BENCH_CLIENT=http: node:http with a keep-alive agent, which costs the load generator less CPU than fetch
const postHttp = (body) => new Promise((resolve, reject) => {
  const req = http.request({ agent, host: target.hostname, port: target.port, path: target.pathname, method: 'POST',
    headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body), ...sign(body) } }, (res) => {
    const chunks = [];
    res.on('data', (c) => chunks.push(c));
    res.on('end', () => resolve({ status: res.statusCode, answer: JSON.parse(Buffer.concat(chunks).toString('utf8')) }));
    res.on('error', reject);
  });
  req.on('error', reject);
  req.end(body);
});
const postFetch = async (body) => {
  const res = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json', ...sign(body) }, body });
  return { status: res.status, answer: await res.json() };
};
const post = workerData.client === 'http' ? postHttp : postFetch;
(async () => {
  for (let i = 0; i < 50; i++) await post(JSON.stringify({ events: [{ id: 'warm-' + i, type: 'warm' }] }));
  const latencies = []; let accepted = 0; let failed = 0; let next = 0;
  const started = performance.now();
  const cpu = process.threadCpuUsage();
  await Promise.all(Array.from({ length: concurrency }, async () => {
    while (next < n) {
      const body = payload(next++);
      const t = performance.now();
      const { status, answer } = await post(body);
      latencies.push(performance.now() - t);
      if (status === 200 && answer.accepted === events) accepted++; else failed++;
    }
  }));
  const used = process.threadCpuUsage(cpu);
  parentPort.postMessage({ latencies, accepted, failed, seconds: (performance.now() - started) / 1000, cpuUs: used.user + used.system });
})();
`;

async function main(): Promise<void> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'hub-bench-webhooks-'));
  const store = await openStore({ dataDir: dir });
  // BENCH_LOG=info: the hub's logger at its default level (an access line per request), written to /dev/null
  const logger =
    process.env.BENCH_LOG === 'info'
      ? createLogger({ level: 'info', destination: pino.destination({ dest: '/dev/null', sync: true }) })
      : createLogger({ level: 'silent' });
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
  const writer = WRITER === 'thread' ? new SqliteEventWriter(store.location) : undefined;
  const marker = writer ?? events;
  // BENCH_TRIGGER=flow: what `hub serve` does after recording (core/flows/webhook-trigger.ts) for a connection with
  // one enabled webhook-triggered flow: read the pending event ids, queue the flow's run, mark them processed (on
  // the writer thread, as `hub serve` does); the flow list and the runner are stubbed (startRun answers "already
  // queued"), the event reads and writes are real
  const trigger =
    process.env.BENCH_TRIGGER === 'flow'
      ? createWebhookTrigger({
          flows: {
            list: async () =>
              [
                { id: 'flw_bench', sourceConnectionId: connection.id, definition: { trigger: { type: 'webhook' } } },
              ] as unknown as Awaited<ReturnType<FlowsRepo['list']>>,
          },
          events: {
            pendingIds: (id, limit) => events.pendingIds(id, limit),
            markProcessed: (ids) => marker.markProcessed(ids),
          },
          runner: { startRun: async () => ({ runId: 'run_bench', created: false }) },
          logger,
        })
      : undefined;
  // how long a group takes from being handed over to being answered (mostly the commit's fsync): the disk's speed
  // at the time of the run, which moves throughput more than anything in the hub does
  const recorder = writer ?? events;
  let commitMs = 0;
  const timed: Pick<WebhookEventsRepo, 'recordBatches'> = {
    recordBatches: async (batches) => {
      const started = performance.now();
      try {
        return await recorder.recordBatches(batches);
      } finally {
        commitMs += performance.now() - started;
      }
    },
  };
  const batcher = GROUP_COMMIT ? new RecordBatcher(timed) : undefined;
  const router = createWebhooksRouter({
    connections,
    registry: { has: (id) => connectors.has(id), get: (id) => connectors.get(id) as ConnectorDefinition },
    events: batcher ?? events,
    logger,
    onAccepted: async (id, ids) => {
      told += ids.length;
      await trigger?.onAccepted(id, ids);
    },
    rateLimit: { limit: 1_000_000, windowMs: 1000 },
  });
  const app = createApp({
    logger,
    version: 'bench',
    readiness: [],
    ingressRoutes: [{ path: '/webhooks', router, routes: WEBHOOK_ROUTES }],
  });
  const server = app.listen(0, '127.0.0.1');
  await new Promise<void>((resolve) => server.once('listening', () => resolve()));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/webhooks/${connection.id}`;

  // the load generator runs in a worker thread, so the client's own cost does not share the server's thread
  const elu = performance.eventLoopUtilization();
  const cpu = process.threadCpuUsage();
  const wall = performance.now();
  const worker = new Worker(CLIENT, {
    eval: true,
    workerData: { url, n: N, concurrency: CONCURRENCY, events: EVENTS, secret: SECRET, client: CLIENT_KIND },
  });
  const result = await new Promise<ClientResult>((resolve, reject) => {
    worker.once('message', resolve);
    worker.once('error', reject);
  });
  // the server's thread over the whole client run (50 warm-up requests included): busy = not waiting in the event
  // loop (running JavaScript or blocked in a call such as a commit's fsync), CPU = this thread's CPU time
  const busyMs = performance.eventLoopUtilization(elu).utilization * (performance.now() - wall);
  const cpuUs = process.threadCpuUsage(cpu);
  await worker.terminate();
  const { latencies, accepted, failed, seconds, cpuUs: clientCpuUs } = result;
  const served = N + 50;

  const sorted = latencies.sort((a, b) => a - b);
  const stored = await store.db
    .selectFrom('webhook_events')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .where('event_id', 'like', 'evt-%')
    .executeTakeFirstOrThrow();
  const fmt = (ms: number) => `${ms.toFixed(2)} ms`;
  console.log(
    `webhook ingress bench: ${N} requests × ${EVENTS} event(s), concurrency ${CONCURRENCY}, SQLite (WAL), group commit ${GROUP_COMMIT ? 'on' : 'off'}, writer ${WRITER === 'thread' ? 'thread' : 'main thread'}, trigger ${trigger ? 'flow' : 'off'}, client ${CLIENT_KIND}, log ${process.env.BENCH_LOG === 'info' ? 'info' : 'silent'}`,
  );
  console.log(
    `  accepted: ${accepted} (failed ${failed}); recorded in store: ${Number(stored.n)}; told runner: ${told - 50}`,
  );
  console.log(
    `  throughput: ${(accepted / seconds).toFixed(0)} accepted requests/s (${((accepted * EVENTS) / seconds).toFixed(0)} events/s)`,
  );
  console.log(
    `  server thread per request: busy ${((busyMs * 1000) / served).toFixed(0)} µs, CPU ${((cpuUs.user + cpuUs.system) / served).toFixed(0)} µs (load average ${os.loadavg()[0].toFixed(1)}); load generator CPU ${(clientCpuUs / N).toFixed(0)} µs`,
  );
  if (batcher)
    console.log(
      `  commits: ${batcher.stats.groups} (${(batcher.stats.deliveries / batcher.stats.groups).toFixed(1)} deliveries per commit, ${(commitMs / batcher.stats.groups).toFixed(2)} ms from hand-over to answer)`,
    );
  console.log(
    `  latency: p50 ${fmt(percentile(sorted, 50))}, p95 ${fmt(percentile(sorted, 95))}, p99 ${fmt(percentile(sorted, 99))}`,
  );

  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
  await writer?.close();
  await store.close();
  fs.rmSync(dir, { recursive: true, force: true });
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
