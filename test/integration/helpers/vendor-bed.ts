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
import { createTestDatabase, type TestDatabase } from '../../helpers/postgres';
import { deleteKeys, redisUrl } from '../../helpers/redis';
import type { Driver } from './bed';
import { Workers } from './workers';

/**
 * A hub deployment for the crash tests of the ERP and ad connectors (issue #16): an NDJSON file of records (the
 * file connector) → an inline mapping → a built-in connector's action, whose settings point at a vendor sandbox
 * (through a hold proxy, see hold-proxy.ts). The store is the data folder's SQLite with the embedded queue, or a
 * fresh PostgreSQL schema with BullMQ (keys under a random prefix of the shared Redis). Runs are worked by real
 * `hub worker` processes; the test process only arranges the flow, starts runs and reads the store.
 */

/** Short, as in bed.ts: a SIGKILLed worker's run is taken over after this (BullMQ: plus its stalled checks). */
const QUEUE_LOCK_MS = 4000;
const FLOW_NAME = 'crash-flow';
const FINISHED = new Set(['succeeded', 'partial', 'failed', 'cancelled']);
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

export interface VendorBedOptions {
  driver: Driver;
  /** The source file's records, one NDJSON line each (each with an `id`). */
  records: Record<string, unknown>[];
  target: {
    connectorId: string;
    settings: Record<string, unknown>;
    /** The connector's settings schema (its `x-secret` fields are stored encrypted). */
    settingsSchema: unknown;
  };
  action: string;
  /** JSONata mapping from a source record to the action's record. */
  mapping: string;
  pageSize: number;
  batchSize: number;
}

export interface VendorBed {
  hub: Hub;
  workers: Workers;
  flowId: string;
  startRun(): Promise<string>;
  run(runId: string): Promise<Run>;
  waitForRun(runId: string, timeoutMs?: number): Promise<Run>;
  /** Forgets where the source was read to: the next run reads every record again. */
  clearCheckpoint(): Promise<void>;
  /** Processes (killed ones included) that logged "run started" for the run. */
  starts(runId: string): number;
  diagnostics(runId?: string): Promise<string>;
  cleanup(): Promise<void>;
}

export async function createVendorBed(options: VendorBedOptions): Promise<VendorBed> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'hub-vendor-crash-'));
  const filesDir = path.join(dir, 'files');
  fs.mkdirSync(filesDir);
  fs.writeFileSync(path.join(filesDir, 'source.ndjson'), options.records.map((r) => `${JSON.stringify(r)}\n`).join(''));

  const cleanups: (() => Promise<void>)[] = [async () => fs.rmSync(dir, { recursive: true, force: true })];
  const cleanup = async () => {
    for (const step of cleanups.reverse()) await step().catch(() => undefined);
  };
  try {
    const env: Record<string, string> = {
      HUB_DATA_DIR: path.join(dir, 'data'),
      HUB_ENCRYPTION_KEY: randomBytes(32).toString('base64'),
      HUB_LOG_LEVEL: 'info',
      HUB_QUEUE_LOCK_MS: String(QUEUE_LOCK_MS),
      HUB_FILES_ROOT: filesDir,
      // the sandboxes (and the proxies in front of them) listen on 127.0.0.1, over http
      HUB_ALLOW_PRIVATE_HOSTS: '127.0.0.1',
    };
    let database: TestDatabase | undefined;
    if (options.driver === 'bullmq') {
      if (!redisUrl) throw new Error('HUB_TEST_REDIS_URL is not set');
      database = await createTestDatabase('postgres');
      cleanups.push(() => (database as TestDatabase).drop());
      env.HUB_DATABASE_URL = database.databaseUrl as string;
      env.HUB_REDIS_URL = redisUrl;
      // a prefix of this bed's own on the shared Redis: its keys are told apart from other tests' and deleted
      const prefix = `hubcrash${randomBytes(5).toString('hex')}`;
      env.HUB_QUEUE_PREFIX = prefix;
      cleanups.push(async () => {
        const client = new Redis(redisUrl as string, { maxRetriesPerRequest: 3 });
        try {
          await deleteKeys(client, prefix);
        } finally {
          await client.quit();
        }
      });
    }

    const logger = createLogger({ level: 'silent' });
    const hub = await openHub(loadConfig(env), { logger, withoutRegistry: true });
    cleanups.push(() => hub.close());
    const engine: Engine = await openEngine(hub, { scheduler: false, logger });
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
      name: 'vendor',
      connectorId: options.target.connectorId,
      settings: options.target.settings,
      settingsSchema: options.target.settingsSchema,
    });
    await hub.repos.mappings.save({ name: 'to-vendor', version: '1', expression: options.mapping });
    const flow = await hub.repos.flows.create({
      name: FLOW_NAME,
      definition: {
        name: FLOW_NAME,
        source: { connection: 'source', stream: 'records' },
        mapping: { id: 'to-vendor' },
        target: { connection: 'vendor', action: options.action },
        trigger: { type: 'manual' },
        mode: 'upsert',
        options: { batchSize: options.batchSize, concurrency: 1, maxAttempts: 5 },
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
    const bed: VendorBed = {
      hub,
      workers,
      flowId: flow.id,
      async startRun() {
        return (await engine.runner.startRun(flow.id, 'manual')).runId;
      },
      run: getRun,
      async waitForRun(runId, timeoutMs = 45_000) {
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
      async clearCheckpoint() {
        await hub.repos.checkpoints.clear(flow.id);
      },
      starts: (runId) => workers.all.filter((w) => w.logged('run started', runId)).length,
      async diagnostics(runId) {
        const parts: string[] = [];
        if (runId !== undefined) parts.push(`run: ${JSON.stringify(await hub.repos.runs.get(runId))}`);
        parts.push(`queue: ${JSON.stringify(await engine.queue.depth(RUN_QUEUE))}`);
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
