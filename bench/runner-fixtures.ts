/** Fixtures of bench/runner.ts: generated source, counting destination, hubs on each queue driver, flows. */
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { Redis } from 'ioredis';
import { Client } from 'pg';
import pino from 'pino';
import fileConnector from '../connectors/file';
import { repoRoot } from './built';
import { createBullmqQueue, createEmbeddedQueue, type JobQueue } from '../core/queue';
import { createFlowRunner, createMappingResolver } from '../core/runner';
import { createMemoryBudget, createRedisBudget } from '../core/runner/budget';
import type { ConnectionBudget } from '../core/runner/budget-port';
import type { FlowRunner } from '../core/runner/runner-port';
import { defineConnector, type ConnectorDefinition, type Page, type WriteOutcome } from '../core/sdk';
import { Vault, generateVaultKey } from '../core/security/vault';
import { openStore, type Store } from '../core/store';
import { createRepos, type Repos, type Run } from '../core/store/repos';

export const silent = pino({ level: 'silent' });
export const FINISHED = new Set(['succeeded', 'partial', 'failed', 'cancelled']);
export const MAPPING = '{ "id": id, "email": email, "name": name }';
// the checkout's mappings, also when this file runs as tsc output under node_modules/.cache (bench/built.ts)
export const MAPPINGS_DIR = path.join(repoRoot(__dirname), 'mappings');
export const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
export const mb = (bytes: number) => `${(bytes / 1024 / 1024).toFixed(0)} MB`;

// ---------------------------------------------------------------------------------------------------------------
// The in-memory connectors

export interface MemoryTarget {
  definition: ConnectorDefinition;
  writes: number;
  calls: number;
  records: Map<string, Record<string, unknown>> | undefined;
}

/** The bench's trivial record: what MAPPING maps. */
export const simpleRecord = (i: number): Record<string, unknown> => ({
  id: `r${i}`,
  email: `person${i}@example.com`,
  name: `Person ${i}`,
});

/**
 * A source of `n` generated records (never all in memory), in pages, resumable by index; `make` builds record i
 * (by default `simpleRecord`; its records need an `id`).
 */
export function generatedSource(
  n: number,
  pageSize: number,
  make: (i: number) => Record<string, unknown> = simpleRecord,
): ConnectorDefinition {
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
              records.push(make(i));
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

/** A destination that upserts by `idField` (default `id`) into a Map (or only counts, `keep: false`). */
export function memoryTarget(options: {
  batch: number;
  rate?: { requests: number; intervalMs: number };
  keep: boolean;
  idField?: string;
}): MemoryTarget {
  const idField = options.idField ?? 'id';
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
        identity: [idField],
        async write({ records }): Promise<WriteOutcome[]> {
          target.calls += 1;
          return (records as Record<string, unknown>[]).map((record) => {
            target.writes += 1;
            const id = String(record[idField]);
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

export type Driver = 'embedded' | 'bullmq';

export interface BenchHub {
  store: Store;
  repos: Repos;
  runner: FlowRunner;
  run(flowId: string): Promise<{ run: Run; seconds: number }>;
  close(): Promise<void>;
}

export async function reachable(kind: 'redis' | 'postgres', url: string): Promise<boolean> {
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

export const REDIS_URL = process.env.HUB_BENCH_REDIS_URL ?? 'redis://127.0.0.1:6379';
export const PG_URL = process.env.HUB_BENCH_DATABASE_URL ?? 'postgres://hub:hub@127.0.0.1:5432/hub_test';

export async function pgSchema(): Promise<{ url: string; drop(): Promise<void> }> {
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

export async function openBenchHub(
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
    // the shipped mappings too (the real-mapping figures use one)
    mappings: createMappingResolver({ repo: repos.mappings, mappingsDir: MAPPINGS_DIR }),
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

export async function createFlow(
  hub: BenchHub,
  source: { connectorId: string; settings: Record<string, unknown>; stream: string },
  options: { batchSize: number; concurrency: number; mapping?: string },
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
      mapping: { id: options.mapping ?? 'bench' },
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
