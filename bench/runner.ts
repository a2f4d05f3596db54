/**
 * Flow runner figures: `npx tsx bench/runner.ts [throughput|rate|memory|all]` (default all). Prints, asserts nothing.
 *
 *  throughput  records/s of the runner alone: an in-memory source and destination (no latency), BENCH_N records
 *              (default 100,000), a first run (every record created) and a second one over the same data (every
 *              record unchanged, no write). On the embedded queue with SQLite, and on BullMQ (Redis at
 *              HUB_BENCH_REDIS_URL, else redis://127.0.0.1:6379 when it answers) with SQLite and with PostgreSQL
 *              (HUB_BENCH_DATABASE_URL, else postgres://hub:hub@127.0.0.1:5432/hub_test when it answers; a
 *              fresh schema, dropped after).
 *  rate        a rate-limited run against its theoretical minimum: 2,000 records, batch 100, 5 requests/s on the
 *              destination → 20 writes, minimum 4 s (records ÷ batch ÷ requests per second). Memory budget
 *              (embedded) and Redis budget (BullMQ).
 *  memory      BENCH_MEMORY_N records (default 1,000,000) of an NDJSON file through the file connector into an
 *              in-memory destination that only counts, embedded queue + SQLite, in a child process: peak RSS
 *              sampled every 100 ms and the kernel's maxrss of that process.
 */
import { spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { Redis } from 'ioredis';
import { Client } from 'pg';
import pino from 'pino';
import fileConnector from '../connectors/file';
import { createBullmqQueue, createEmbeddedQueue, type JobQueue } from '../core/queue';
import { createFlowRunner, createMappingResolver } from '../core/runner';
import { createMemoryBudget, createRedisBudget } from '../core/runner/budget';
import type { ConnectionBudget } from '../core/runner/budget-port';
import type { FlowRunner } from '../core/runner/runner-port';
import { defineConnector, type ConnectorDefinition, type Page, type WriteOutcome } from '../core/sdk';
import { Vault, generateVaultKey } from '../core/security/vault';
import { openStore, type Store } from '../core/store';
import { createRepos, type Repos, type Run } from '../core/store/repos';

const silent = pino({ level: 'silent' });
const FINISHED = new Set(['succeeded', 'partial', 'failed', 'cancelled']);
const MAPPING = '{ "id": id, "email": email, "name": name }';
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const mb = (bytes: number) => `${(bytes / 1024 / 1024).toFixed(0)} MB`;

// ---------------------------------------------------------------------------------------------------------------
// The in-memory connectors

interface MemoryTarget {
  definition: ConnectorDefinition;
  writes: number;
  calls: number;
  records: Map<string, Record<string, unknown>> | undefined;
}

/** A source of `n` generated records (never all in memory), in pages, resumable by index. */
function generatedSource(n: number, pageSize: number): ConnectorDefinition {
  return defineConnector({
    id: 'bench-source',
    displayName: 'Bench source',
    version: '1.0.0',
    category: 'other',
    settingsSchema: { type: 'object' } as never,
    policy: {
      rateBudget: { requests: 1_000_000, intervalMs: 1000 },
      concurrency: 4,
      maxBatchSize: {},
      retryStatuses: [],
      retryAfter: [],
    },
    check: async () => ({ ok: true, message: 'ok' }),
    streams: [
      {
        name: 'records',
        recordSchema: { type: 'object' },
        identity: ['id'],
        async *read({ checkpoint }): AsyncGenerator<Page<Record<string, unknown>>> {
          let next = (checkpoint as { next?: number } | null)?.next ?? 0;
          while (next < n) {
            const records: Record<string, unknown>[] = [];
            for (let i = next; i < Math.min(n, next + pageSize); i++) {
              records.push({ id: `r${i}`, email: `person${i}@example.com`, name: `Person ${i}` });
            }
            next += records.length;
            yield { records, checkpoint: { next } };
          }
        },
      },
    ],
    actions: [],
  });
}

/** A destination that upserts by id into a Map (or only counts, `keep: false`). */
function memoryTarget(options: {
  batch: number;
  rate?: { requests: number; intervalMs: number };
  keep: boolean;
}): MemoryTarget {
  const target: MemoryTarget = {
    definition: undefined as unknown as ConnectorDefinition,
    writes: 0,
    calls: 0,
    records: options.keep ? new Map() : undefined,
  };
  target.definition = defineConnector({
    id: 'bench-target',
    displayName: 'Bench target',
    version: '1.0.0',
    category: 'other',
    settingsSchema: { type: 'object' } as never,
    policy: {
      rateBudget: options.rate ?? { requests: 1_000_000, intervalMs: 1000 },
      concurrency: 4,
      maxBatchSize: { upsert: options.batch },
      retryStatuses: [],
      retryAfter: [],
    },
    check: async () => ({ ok: true, message: 'ok' }),
    streams: [],
    actions: [
      {
        name: 'upsert',
        recordSchema: { type: 'object' },
        mode: 'upsert',
        identity: ['id'],
        async write({ records }): Promise<WriteOutcome[]> {
          target.calls += 1;
          return (records as Record<string, unknown>[]).map((record) => {
            target.writes += 1;
            const id = String(record.id);
            const existed = target.records?.has(id) ?? false;
            target.records?.set(id, record);
            return { status: 'ok', targetId: id, operation: existed ? 'updated' : 'created' };
          });
        },
      },
    ],
  });
  return target;
}

// ---------------------------------------------------------------------------------------------------------------
// A hub in this process: store, queue, budget, runner

type Driver = 'embedded' | 'bullmq';

interface BenchHub {
  store: Store;
  repos: Repos;
  runner: FlowRunner;
  run(flowId: string): Promise<{ run: Run; seconds: number }>;
  close(): Promise<void>;
}

async function reachable(kind: 'redis' | 'postgres', url: string): Promise<boolean> {
  try {
    if (kind === 'redis') {
      const client = new Redis(url, { maxRetriesPerRequest: 0, lazyConnect: true, connectTimeout: 1000 });
      client.on('error', () => undefined);
      await client.connect();
      await client.ping();
      client.disconnect();
    } else {
      const client = new Client({ connectionString: url, connectionTimeoutMillis: 1000 });
      await client.connect();
      await client.end();
    }
    return true;
  } catch {
    return false;
  }
}

const REDIS_URL = process.env.HUB_BENCH_REDIS_URL ?? 'redis://127.0.0.1:6379';
const PG_URL = process.env.HUB_BENCH_DATABASE_URL ?? 'postgres://hub:hub@127.0.0.1:5432/hub_test';

async function pgSchema(): Promise<{ url: string; drop(): Promise<void> }> {
  const schema = `hub_bench_${randomBytes(5).toString('hex')}`;
  const admin = async (text: string) => {
    const client = new Client({ connectionString: PG_URL });
    await client.connect();
    try {
      await client.query(text);
    } finally {
      await client.end();
    }
  };
  await admin(`create schema "${schema}"`);
  const url = new URL(PG_URL);
  url.searchParams.set('options', `-c search_path=${schema}`);
  return { url: url.toString(), drop: () => admin(`drop schema if exists "${schema}" cascade`) };
}

async function openBenchHub(
  options: { driver: Driver; postgres?: boolean },
  connectors: ConnectorDefinition[],
): Promise<BenchHub> {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'hub-bench-'));
  const pg = options.postgres ? await pgSchema() : undefined;
  const store = await openStore({ databaseUrl: pg?.url, dataDir, poolSize: 4 });
  const repos = createRepos(store.db, new Vault([generateVaultKey()]));
  const prefix = `hubbench${randomBytes(4).toString('hex')}`;
  let queue: JobQueue;
  let budget: ConnectionBudget;
  if (options.driver === 'embedded') {
    queue = createEmbeddedQueue({ store, pollMs: 20 });
    budget = createMemoryBudget();
  } else {
    queue = createBullmqQueue({ redisUrl: REDIS_URL, prefix });
    budget = createRedisBudget({ redisUrl: REDIS_URL, prefix: `${prefix}:budget` });
  }
  const byId = new Map([...connectors, fileConnector as ConnectorDefinition].map((c) => [c.id, c]));
  const runner = createFlowRunner({
    store,
    repos,
    connectors: {
      get: (id) => {
        const found = byId.get(id);
        if (!found) throw new Error(`unknown connector ${id}`);
        return found;
      },
    },
    mappings: createMappingResolver({ repo: repos.mappings }),
    queue,
    budget,
    logger: silent,
  });
  await runner.startWorker({ concurrency: 1 });
  await repos.mappings.save({ name: 'bench', version: '1', expression: MAPPING });
  return {
    store,
    repos,
    runner,
    async run(flowId) {
      const started = performance.now();
      const { runId } = await runner.startRun(flowId, 'manual');
      for (;;) {
        const run = await repos.runs.get(runId);
        if (run && FINISHED.has(run.status)) return { run, seconds: (performance.now() - started) / 1000 };
        await sleep(20);
      }
    },
    async close() {
      await runner.close();
      await queue.close({ timeoutMs: 5000 });
      await budget.close();
      await store.close();
      await pg?.drop();
      fs.rmSync(dataDir, { recursive: true, force: true });
      if (options.driver === 'bullmq') {
        const client = new Redis(REDIS_URL);
        let cursor = '0';
        do {
          const [next, keys] = await client.scan(cursor, 'MATCH', `${prefix}*`, 'COUNT', 500);
          cursor = next;
          if (keys.length > 0) await client.unlink(...keys);
        } while (cursor !== '0');
        await client.quit();
      }
    },
  };
}

async function createFlow(
  hub: BenchHub,
  source: { connectorId: string; settings: Record<string, unknown>; stream: string },
  options: { batchSize: number; concurrency: number },
): Promise<string> {
  const from = await hub.repos.connections.create({
    name: 'source',
    connectorId: source.connectorId,
    settings: source.settings,
    secretPaths: [],
  });
  const to = await hub.repos.connections.create({
    name: 'target',
    connectorId: 'bench-target',
    settings: {},
    secretPaths: [],
  });
  const flow = await hub.repos.flows.create({
    name: 'bench',
    definition: {
      name: 'bench',
      source: { connection: 'source', stream: source.stream },
      mapping: { id: 'bench' },
      target: { connection: 'target', action: 'upsert' },
      trigger: { type: 'manual' },
      mode: 'upsert',
      options: { batchSize: options.batchSize, concurrency: options.concurrency },
    },
    enabled: true,
    sourceConnectionId: from.id,
    targetConnectionId: to.id,
  });
  return flow.id;
}

// ---------------------------------------------------------------------------------------------------------------
// (a) throughput

async function throughput(): Promise<void> {
  const n = Number(process.env.BENCH_N ?? 100_000);
  const pageSize = 500;
  const batch = 500;
  console.log(`\n(a) runner throughput: ${n.toLocaleString('en')} records, page ${pageSize}, batch ${batch}`);
  const configs: { label: string; driver: Driver; postgres?: boolean }[] = [
    { label: 'embedded queue + SQLite', driver: 'embedded' },
  ];
  if (await reachable('redis', REDIS_URL)) {
    configs.push({ label: 'BullMQ + SQLite', driver: 'bullmq' });
    if (await reachable('postgres', PG_URL))
      configs.push({ label: 'BullMQ + PostgreSQL', driver: 'bullmq', postgres: true });
    else console.log(`  (PostgreSQL at ${PG_URL} does not answer: skipped)`);
  } else {
    console.log(`  (Redis at ${REDIS_URL} does not answer: BullMQ skipped)`);
  }
  for (const config of configs) {
    const target = memoryTarget({ batch, keep: true });
    const hub = await openBenchHub(config, [generatedSource(n, pageSize), target.definition]);
    try {
      const flowId = await createFlow(
        hub,
        { connectorId: 'bench-source', settings: {}, stream: 'records' },
        {
          batchSize: batch,
          concurrency: 2,
        },
      );
      const first = await hub.run(flowId);
      // the second run reads everything again (no checkpoint), as a full re-sync would: every record unchanged
      await hub.store.db.deleteFrom('checkpoints').where('flow_id', '=', flowId).execute();
      const second = await hub.run(flowId);
      const ok = first.run.status === 'succeeded' && target.records?.size === n && second.run.counts.unchanged === n;
      console.log(
        `  ${config.label.padEnd(26)} first run (creates): ${(n / first.seconds).toFixed(0).padStart(6)} records/s (${first.seconds.toFixed(1)} s)` +
          `  second run (unchanged): ${(n / second.seconds).toFixed(0).padStart(6)} records/s (${second.seconds.toFixed(1)} s)` +
          `  ${ok ? 'ok' : `CHECK FAILED ${JSON.stringify({ first: first.run.counts, second: second.run.counts })}`}`,
      );
    } finally {
      await hub.close();
    }
  }
}

// ---------------------------------------------------------------------------------------------------------------
// (b) rate-limited run vs its theoretical minimum

async function rateLimited(): Promise<void> {
  const n = 2000;
  const batch = 100;
  const requests = 5;
  const minimum = n / batch / requests;
  // the budget is a sliding window: the first `requests` writes go at once, so the last one may start at 3 s
  const floor = Math.ceil(n / batch / requests) - 1;
  console.log(
    `\n(b) rate-limited run: ${n} records, batch ${batch}, ${requests} requests/s → ${n / batch} writes, minimum ${minimum} s (records ÷ batch ÷ rate; the sliding window's own floor: the last write starts at ${floor} s)`,
  );
  const drivers: Driver[] = ['embedded'];
  if (await reachable('redis', REDIS_URL)) drivers.push('bullmq');
  for (const driver of drivers) {
    const target = memoryTarget({ batch, keep: true, rate: { requests, intervalMs: 1000 } });
    const hub = await openBenchHub({ driver }, [generatedSource(n, 500), target.definition]);
    try {
      const flowId = await createFlow(
        hub,
        { connectorId: 'bench-source', settings: {}, stream: 'records' },
        {
          batchSize: batch,
          concurrency: 4,
        },
      );
      const { run, seconds } = await hub.run(flowId);
      const ok = run.status === 'succeeded' && target.calls === n / batch;
      console.log(
        `  ${driver === 'embedded' ? 'memory budget (embedded)' : 'Redis budget (BullMQ)   '}  ${seconds.toFixed(2)} s = ${(seconds / minimum).toFixed(3)} × the minimum (goal ≤ 1.10), ${(seconds / floor).toFixed(3)} × the floor  ${target.calls} write calls  ${ok ? 'ok' : `CHECK FAILED ${JSON.stringify(run.counts)}`}`,
      );
    } finally {
      await hub.close();
    }
  }
}

// ---------------------------------------------------------------------------------------------------------------
// (c) a large NDJSON file, streamed: peak memory

function writeNdjson(file: string, n: number): void {
  const fd = fs.openSync(file, 'w');
  let chunk = '';
  for (let i = 0; i < n; i++) {
    chunk += `${JSON.stringify({ id: `r${i}`, email: `person${i}@example.com`, name: `Person ${i}`, score: i % 100 })}\n`;
    if (chunk.length > 1 << 20) {
      fs.writeSync(fd, chunk);
      chunk = '';
    }
  }
  fs.writeSync(fd, chunk);
  fs.closeSync(fd);
}

async function memoryChild(dir: string): Promise<void> {
  const target = memoryTarget({ batch: 500, keep: false });
  const hub = await openBenchHub({ driver: 'embedded' }, [target.definition]);
  let peak = process.memoryUsage().rss;
  if (process.env.BENCH_MEMORY_TRACE === '1') process.stderr.write(`before the run: rss ${mb(peak)}\n`);
  const trace = process.env.BENCH_MEMORY_TRACE === '1';
  let ticks = 0;
  const sampler = setInterval(() => {
    const usage = process.memoryUsage();
    peak = Math.max(peak, usage.rss);
    if (trace && ++ticks % 50 === 0) {
      process.stderr.write(
        `rss ${mb(usage.rss)} heapUsed ${mb(usage.heapUsed)} heapTotal ${mb(usage.heapTotal)} external ${mb(usage.external)} arrayBuffers ${mb(usage.arrayBuffers)}\n`,
      );
    }
  }, 100);
  try {
    const flowId = await createFlow(
      hub,
      { connectorId: 'file', settings: { directory: dir, path: 'big.ndjson', pageSize: 500 }, stream: 'records' },
      { batchSize: 500, concurrency: 2 },
    );
    const { run, seconds } = await hub.run(flowId);
    clearInterval(sampler);
    peak = Math.max(peak, process.memoryUsage().rss);
    const result = {
      status: run.status,
      read: run.counts.read,
      writes: target.writes,
      seconds,
      peakRssSampled: peak,
      maxRss: process.resourceUsage().maxRSS * 1024,
      heapUsedEnd: process.memoryUsage().heapUsed,
    };
    process.stdout.write(`${JSON.stringify(result)}\n`);
  } finally {
    clearInterval(sampler);
    await hub.close();
  }
}

async function memory(): Promise<void> {
  const n = Number(process.env.BENCH_MEMORY_N ?? 1_000_000);
  console.log(
    `\n(c) ${n.toLocaleString('en')}-record NDJSON file → in-memory destination (embedded + SQLite), streamed`,
  );
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'hub-bench-file-'));
  try {
    writeNdjson(path.join(dir, 'big.ndjson'), n);
    const size = fs.statSync(path.join(dir, 'big.ndjson')).size;
    const child = spawnSync(process.execPath, [...process.execArgv, __filename, 'memory-child', dir], {
      encoding: 'utf8',
      maxBuffer: 1 << 24,
    });
    const line = child.stdout.trim().split('\n').pop() ?? '';
    if (child.status !== 0 || !line.startsWith('{')) {
      console.log(`  the child failed (${child.status}): ${child.stderr.slice(-2000)}`);
      return;
    }
    const r = JSON.parse(line) as {
      status: string;
      read: number;
      writes: number;
      seconds: number;
      peakRssSampled: number;
      maxRss: number;
      heapUsedEnd: number;
    };
    console.log(
      `  file ${mb(size)}; run ${r.status}, read ${r.read.toLocaleString('en')}, written ${r.writes.toLocaleString('en')} in ${r.seconds.toFixed(1)} s (${(r.read / r.seconds).toFixed(0)} records/s)`,
    );
    console.log(
      `  peak RSS sampled ${mb(r.peakRssSampled)}, maxrss ${mb(r.maxRss)} (goal < 256 MB: ${r.maxRss < 256 * 1024 * 1024 ? 'met' : 'MISSED'}); heap at the end ${mb(r.heapUsedEnd)}`,
    );
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

// ---------------------------------------------------------------------------------------------------------------

async function main(): Promise<void> {
  const [what = 'all', ...rest] = process.argv.slice(2);
  if (what === 'memory-child') return memoryChild(rest[0]);
  console.log(`flow runner bench — node ${process.version}, ${os.cpus().length} cores`);
  if (what === 'all' || what === 'throughput') await throughput();
  if (what === 'all' || what === 'rate') await rateLimited();
  if (what === 'all' || what === 'memory') await memory();
}

main().then(
  () => process.exit(0),
  (error: unknown) => {
    console.error(error);
    process.exit(1);
  },
);
