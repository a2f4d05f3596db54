import './env';
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Redis } from 'ioredis';
import fileConnector from '../../../connectors/file';
import { loadConfig } from '../../../core/config';
import { createLogger } from '../../../core/logging/logger';
import { RUN_QUEUE } from '../../../core/runner/runner-port';
import { openEngine, type Engine } from '../../../core/runtime/engine';
import { openHub, type Hub } from '../../../core/runtime/hub';
import type { Run } from '../../../core/store/repos';
import { ROOT } from '../../helpers/hub-process';
import { createTestDatabase, type TestDatabase } from '../../helpers/postgres';
import { deleteKeys, redisUrl } from '../../helpers/redis';
import { seededRandom } from './random';
import { startSinkServer, type SinkServer } from './sink-server';
import { Workers } from './workers';

/**
 * A whole hub deployment for one integration test: a temporary data folder with the source NDJSON file, a store
 * (PostgreSQL in a fresh schema with BullMQ; the SQLite file of the data folder with the embedded queue), for
 * BullMQ a Redis database of its own, the HTTP sink, the `sink` plugin, and `hub worker` processes. The test
 * process opens the same store to arrange the flow, start the run and read its record; it never works runs.
 */

export type Driver = 'embedded' | 'bullmq';

export const SINK_PLUGIN = path.join(ROOT, 'test', 'fixtures', 'plugins', 'sink');
const FLOW_NAME = 'ndjson-to-sink';
/**
 * The hubs of these tests use their own Redis key prefix (HUB_QUEUE_PREFIX), so the keys they leave are told apart
 * from a default hub's ('hub:…'); the BullMQ queue and the connection budgets both live under it.
 */
export const QUEUE_PREFIX = 'itest';
const HUB_REDIS_PREFIX = `${QUEUE_PREFIX}:`;
/**
 * The queue lock (HUB_QUEUE_LOCK_MS) of every hub process of these tests: a SIGKILLed worker's run is taken up by
 * another worker after at most this (BullMQ: plus up to two stalled checks at half of it), instead of the default
 * 30 s. Long enough that a live worker on a busy 2-core machine never misses its lock renewal.
 */
export const QUEUE_LOCK_MS = 4000;
const CLAIM_KEY = 'hubtest:integration:claim';

export interface SourceRecord {
  id: string;
  email: string;
  name: string;
  rev: number;
}

/** What the mapping makes of a source record: the state the sink must end with. */
export function mapped(record: SourceRecord): Record<string, unknown> {
  return { id: record.id, email: record.email, name: record.name.toUpperCase(), rev: record.rev };
}
const MAPPING = '{ "id": id, "email": email, "name": $uppercase(name), "rev": rev }';

export interface BedOptions {
  driver: Driver;
  /** Distinct records in the source file. */
  records: number;
  /** Extra lines, later in the file, that change a record seen earlier (its final state is the last one). */
  revisions: number;
  seed: number;
  /** Records per page read (the file connector's pageSize). */
  pageSize: number;
  /** Records per write (capped by the sink's 500). */
  batchSize: number;
  /** Write batches in flight. */
  concurrency?: number;
  sinkLatencyMs?: number;
  workers: number;
  /** BullMQ: a Redis of the test's own (e.g. one it stops and starts) instead of a database of the shared one. */
  redisUrl?: string;
}

export interface Bed {
  driver: Driver;
  dir: string;
  sink: SinkServer;
  hub: Hub;
  engine: Engine;
  workers: Workers;
  /** The final state of each record, as the sink must hold it. */
  expected: Map<string, Record<string, unknown>>;
  /** Lines in the source file. */
  lines: number;
  /** The writes that change the sink (creates, updates) in a run without re-deliveries. */
  changes: { created: number; updated: number };
  flowId: string;
  startRun(): Promise<string>;
  run(runId: string): Promise<Run>;
  /** Polls the runs table until the run is finished (or fails with diagnostics after `timeoutMs`). */
  waitForRun(runId: string, timeoutMs: number): Promise<Run>;
  /** Polls until the run has read at least `records` records. */
  waitForRead(runId: string, records: number, timeoutMs: number): Promise<Run>;
  /** BullMQ: the keys of the bed's Redis database that match a SCAN pattern (none with the embedded queue). */
  redisKeys(match: string): Promise<string[]>;
  deadLetters(): Promise<number>;
  diagnostics(runId?: string): Promise<string>;
  cleanup(): Promise<void>;
}

interface Source {
  expected: Map<string, Record<string, unknown>>;
  lines: number;
  /** Writes that change the sink, page by page: a record's first write creates it, a later revision updates it. */
  changes: { created: number; updated: number };
}

/**
 * The source file: records r1…rN with revisions of random earlier records spread over the rest of the file. When
 * a page holds two versions of a record, only the last one is written (the runner supersedes the earlier).
 */
function writeSource(file: string, options: BedOptions): Source {
  const random = seededRandom(options.seed);
  const latest = new Map<string, SourceRecord>();
  const out = fs.openSync(file, 'w');
  let lines = 0;
  const changes = { created: 0, updated: 0 };
  const seen = new Set<string>();
  let page = new Set<string>();
  const endPage = () => {
    for (const id of page) changes[seen.has(id) ? 'updated' : 'created'] += 1;
    for (const id of page) seen.add(id);
    page = new Set();
  };
  const write = (record: SourceRecord) => {
    fs.writeSync(out, `${JSON.stringify(record)}\n`);
    latest.set(record.id, record);
    lines += 1;
    page.add(record.id);
    if (lines % options.pageSize === 0) endPage();
  };
  let pendingRevisions = options.revisions;
  for (let i = 1; i <= options.records; i++) {
    write({ id: `r${i}`, email: `person${i}@example.com`, name: `Person ${i}`, rev: 1 });
    // after the first tenth, a revision now and then of a record already written
    const left = options.records - i;
    if (pendingRevisions > 0 && i > options.records / 10 && random() < pendingRevisions / (left + 1)) {
      const target = latest.get(`r${1 + Math.floor(random() * i)}`) as SourceRecord;
      write({ ...target, name: `${target.name} v${target.rev + 1}`, rev: target.rev + 1 });
      pendingRevisions -= 1;
    }
  }
  fs.closeSync(out);
  endPage();
  return { expected: new Map([...latest].map(([id, r]) => [id, mapped(r)])), lines, changes };
}

/** A Redis database no other test uses (claimed with a key that expires), so the hub's prefix there is ours. */
async function claimRedisDatabase(): Promise<{ url: string; client: Redis; release(): Promise<void> }> {
  if (!redisUrl) throw new Error('HUB_TEST_REDIS_URL is not set');
  const token = randomBytes(8).toString('hex');
  const order = Array.from({ length: 15 }, (_, i) => i + 1).sort(() => Math.random() - 0.5);
  for (const db of order) {
    const url = new URL(redisUrl);
    url.pathname = `/${db}`;
    const client = new Redis(url.toString(), { maxRetriesPerRequest: 3 });
    const claimed = await client.set(CLAIM_KEY, token, 'EX', 900, 'NX');
    const [, used] = claimed === 'OK' ? await client.scan('0', 'MATCH', `${HUB_REDIS_PREFIX}*`, 'COUNT', 1000) : [];
    if (claimed === 'OK' && used !== undefined && used.length === 0) {
      return {
        url: url.toString(),
        client,
        release: async () => {
          try {
            await deleteKeys(client, HUB_REDIS_PREFIX);
            if ((await client.get(CLAIM_KEY)) === token) await client.del(CLAIM_KEY);
          } finally {
            await client.quit();
          }
        },
      };
    }
    if (claimed === 'OK') await client.del(CLAIM_KEY);
    await client.quit();
  }
  throw new Error('no free Redis database (1-15) for the integration test');
}

/** A Redis the test started for itself: the bed only reads it (its owner stops it). */
function ownRedis(url: string): { url: string; client: Redis; release(): Promise<void> } {
  const client = new Redis(url, { maxRetriesPerRequest: 3, lazyConnect: true });
  client.on('error', () => undefined);
  return { url, client, release: async () => client.disconnect() };
}

const FINISHED = new Set(['succeeded', 'partial', 'failed', 'cancelled']);
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

export async function createBed(options: BedOptions): Promise<Bed> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'hub-integration-'));
  const filesDir = path.join(dir, 'files');
  fs.mkdirSync(filesDir);
  const { expected, lines, changes } = writeSource(path.join(filesDir, 'source.ndjson'), options);

  const cleanups: (() => Promise<void>)[] = [async () => fs.rmSync(dir, { recursive: true, force: true })];
  const cleanup = async () => {
    for (const step of cleanups.reverse()) await step().catch(() => undefined);
  };
  try {
    const env: Record<string, string> = {
      HUB_DATA_DIR: path.join(dir, 'data'),
      HUB_ENCRYPTION_KEY: randomBytes(32).toString('base64'),
      HUB_PLUGINS: SINK_PLUGIN,
      HUB_LOG_LEVEL: 'info',
      HUB_QUEUE_LOCK_MS: String(QUEUE_LOCK_MS),
      HUB_QUEUE_PREFIX: QUEUE_PREFIX,
      // the source file lives in the bed's folder, outside the hub's default file roots
      HUB_FILES_ROOT: filesDir,
    };
    let database: TestDatabase | undefined;
    let redis: Awaited<ReturnType<typeof claimRedisDatabase>> | undefined;
    if (options.driver === 'bullmq') {
      database = await createTestDatabase('postgres');
      cleanups.push(() => (database as TestDatabase).drop());
      env.HUB_DATABASE_URL = database.databaseUrl as string;
      redis = options.redisUrl === undefined ? await claimRedisDatabase() : ownRedis(options.redisUrl);
      cleanups.push((redis as { release(): Promise<void> }).release);
      env.HUB_REDIS_URL = redis.url;
    }

    const sink = await startSinkServer({ latencyMs: options.sinkLatencyMs ?? 0 });
    cleanups.push(() => sink.close());

    const logger = createLogger({ level: 'silent' });
    const hub = await openHub(loadConfig(env), { logger, withoutRegistry: true });
    cleanups.push(() => hub.close());
    const engine = await openEngine(hub, { scheduler: false, logger });
    cleanups.push(() => engine.close());

    const workers = new Workers(env);
    cleanups.push(() => workers.stopAll());

    const source = await hub.repos.connections.create({
      name: 'source',
      connectorId: 'file',
      settings: { directory: filesDir, path: 'source.ndjson', pageSize: options.pageSize },
      settingsSchema: fileConnector.settingsSchema,
    });
    const target = await hub.repos.connections.create({
      name: 'sink',
      connectorId: 'sink',
      settings: { url: sink.url },
      secretPaths: [],
    });
    await hub.repos.mappings.save({ name: 'sink-record', version: '1', expression: MAPPING });
    const flow = await hub.repos.flows.create({
      name: FLOW_NAME,
      definition: {
        name: FLOW_NAME,
        source: { connection: 'source', stream: 'records' },
        mapping: { id: 'sink-record' },
        target: { connection: 'sink', action: 'upsertRecords' },
        trigger: { type: 'manual' },
        mode: 'upsert',
        options: { batchSize: options.batchSize, concurrency: options.concurrency ?? 2, maxAttempts: 5 },
      },
      enabled: true,
      sourceConnectionId: source.id,
      targetConnectionId: target.id,
    });

    const getRun = async (runId: string) => {
      const run = await hub.repos.runs.get(runId);
      if (run === undefined) throw new Error(`run ${runId} does not exist`);
      return run;
    };

    const bed: Bed = {
      driver: options.driver,
      dir,
      sink,
      hub,
      engine,
      workers,
      expected,
      lines,
      changes,
      flowId: flow.id,
      async startRun() {
        return (await engine.runner.startRun(flow.id, 'manual')).runId;
      },
      run: getRun,
      async waitForRun(runId, timeoutMs) {
        const deadline = Date.now() + timeoutMs;
        for (;;) {
          const run = await getRun(runId);
          if (FINISHED.has(run.status)) return run;
          if (Date.now() > deadline) {
            throw new Error(`run ${runId} did not finish in ${timeoutMs} ms\n${await bed.diagnostics(runId)}`);
          }
          await sleep(100);
        }
      },
      async waitForRead(runId, records, timeoutMs) {
        const deadline = Date.now() + timeoutMs;
        for (;;) {
          const run = await getRun(runId);
          if (run.counts.read >= records || FINISHED.has(run.status)) return run;
          if (Date.now() > deadline) {
            throw new Error(
              `run ${runId} did not read ${records} records in ${timeoutMs} ms\n${await bed.diagnostics(runId)}`,
            );
          }
          await sleep(25);
        }
      },
      async redisKeys(match) {
        if (redis === undefined) return [];
        const keys: string[] = [];
        let cursor = '0';
        do {
          const [next, found] = await redis.client.scan(cursor, 'MATCH', match, 'COUNT', 1000);
          keys.push(...found);
          cursor = next;
        } while (cursor !== '0');
        return keys;
      },
      async deadLetters() {
        const row = await hub.store.db
          .selectFrom('dead_letters')
          .select((eb) => eb.fn.countAll<number>().as('n'))
          .executeTakeFirstOrThrow();
        return Number(row.n);
      },
      async diagnostics(runId) {
        const parts: string[] = [];
        if (runId !== undefined) parts.push(`run: ${JSON.stringify(await hub.repos.runs.get(runId))}`);
        parts.push(`queue: ${JSON.stringify(await engine.queue.depth(RUN_QUEUE))}`);
        if (options.driver === 'embedded') {
          parts.push(`jobs: ${JSON.stringify(await hub.store.db.selectFrom('jobs').selectAll().execute())}`);
        }
        parts.push(`sink: ${JSON.stringify(sink.counts)} distinct ${sink.records.size}`);
        parts.push(workers.diagnostics());
        return parts.join('\n');
      },
      cleanup,
    };
    return bed;
  } catch (error) {
    await cleanup();
    throw error;
  }
}
