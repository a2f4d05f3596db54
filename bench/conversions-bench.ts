import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { sendConversions } from '../connectors/google/actions/sendConversions';
import { GOOGLE_POLICY, INGESTION_LANE } from '../connectors/google/policy';
import { sendEvents } from '../connectors/meta/actions/sendEvents';
import { META_POLICY } from '../connectors/meta/policy';
import { loadConfig } from '../core/config';
import { connectionServiceFor } from '../core/connections';
import { createLogger } from '../core/logging/logger';
import { openEngine } from '../core/runtime/engine';
import { flowServiceFor } from '../core/runtime/flow-service';
import { openHub } from '../core/runtime/hub';
import { runToEnd } from '../core/sandbox/demo';
import type { RunCounts, RunStatus } from '../core/store/repos/runs';
import { writeOrdersFile } from './conversions-orders';
import { startSandboxesProcess, type SandboxesProcess } from './conversions-sandboxes-client';

/**
 * The code path of bench/conversions, as a function so a test can run it with a small N: N synthetic orders in an
 * NDJSON file (file connector) → the shipped mappings odoo-order-to-google-conversion and
 * odoo-order-to-meta-purchase → Google's `sendConversions` (Data Manager events:ingest) and Meta's `sendEvents`
 * (Conversions API), each sandbox with its limits on, on the embedded defaults (in-process queue, SQLite in a
 * temporary folder). The two flows run one after the other, so each one's duration is its own. The sandboxes run in
 * a child process (conversions-sandboxes.ts), as real vendors answer from elsewhere: the process's CPU is the hub's
 * alone, and the sandboxes' counts (exactly once) are asked of that process over IPC.
 *
 * The theoretical minimum of each side is computed from the connector's policy (the limits the runner enforces
 * and, for Google, the sandbox too):
 * - Google: ceil(N / 2,000) `events:ingest` requests, each followed by one `requestStatus:retrieve` read (the
 *   sandbox answers the final status at the first read, `processingPolls` 0), all of them in the `ingestion` lane of
 *   300 per minute; so 2 × ceil(N / 2,000) requests at 300/min.
 * - Meta: ceil(N / 1,000) `POST /{pixel}/events` at the policy's 50 per second (the sandbox enforces no rate of its
 *   own; it answers throttling only when a test asks it to).
 * Two floors are given: `sustainedMs`, requests ÷ rate (what the limit allows run after run), and `burstMs`, what a
 * rolling window allows from cold — the first window's requests go at once, each further window's one window later:
 * floor((requests − 1) / limit) × window. The ratio is the duration over `sustainedMs` (the burst floor is 0 for any
 * run that fits one window, which 100,000 orders do on Google's side).
 */

export interface ConversionsBenchOptions {
  orders: number;
  /** The flows' `options.concurrency` (write batches in flight); absent: the runner's default, as templates run. */
  concurrency?: number;
  /** Records per page of the file connector (default 500, the connector's default). */
  pageSize?: number;
  /** Called with a line of progress (the CLI prints it). */
  say?: (line: string) => void;
}

export interface SideFigures {
  flow: string;
  status: RunStatus;
  counts: RunCounts;
  durationMs: number;
  /** CPU time of the hub's process during the run (runner, mappings, SQLite, connectors; not the sandboxes). */
  cpuMs: number;
  /** CPU time of the sandboxes' process during the run (answering, parsing, counting). */
  sandboxCpuMs: number;
  /** Every request the sandbox answered during the run, by kind. */
  requests: Record<string, number>;
  totalRequests: number;
  /** Records per write request, when the sandbox keeps them (Google: every accepted ingest), in order. */
  batchSizes?: number[];
  /** Answers that refused a request: Google's 429s; Meta's non-2xx (throttles are 400s with a code there). */
  refused: number;
  minimum: { requests: number; limit: string; sustainedMs: number; burstMs: number };
  /** Distinct conversions the sandbox holds, and how many events it accepted in all (duplicates included). */
  distinct: number;
  received: number;
  exactlyOnce: boolean;
}

export interface ConversionsBenchResult {
  orders: number;
  writeFileMs: number;
  google: SideFigures;
  meta: SideFigures;
  peakRssMb: number;
  /** The process the sandboxes answered from (not this one). */
  sandboxesPid: number;
}

const FLOW_GOOGLE = 'bench-orders-to-google-conversions';
const FLOW_META = 'bench-orders-to-meta-purchases';
// the batch sizes as the actions declare them (the runner never sends more)
const GOOGLE_BATCH = sendConversions.maxBatchSize ?? 2_000;
const META_BATCH = sendEvents.maxBatchSize ?? 1_000;

function floors(requests: number, limit: { requests: number; intervalMs: number }) {
  return {
    sustainedMs: (requests / limit.requests) * limit.intervalMs,
    burstMs: Math.floor(Math.max(0, requests - 1) / limit.requests) * limit.intervalMs,
  };
}

/** The minimum for Google: ingest + one status read per ingest, in the tighter of the budget and the lane. */
export function googleMinimum(orders: number): SideFigures['minimum'] {
  const lane = GOOGLE_POLICY.lanes?.[INGESTION_LANE] ?? GOOGLE_POLICY.rateBudget!;
  const budget = GOOGLE_POLICY.rateBudget!;
  const limit =
    lane.requests / lane.intervalMs <= budget.requests / budget.intervalMs
      ? { requests: lane.requests, intervalMs: lane.intervalMs }
      : { requests: budget.requests, intervalMs: budget.intervalMs };
  const requests = 2 * Math.ceil(orders / GOOGLE_BATCH);
  return { requests, limit: `${limit.requests} per ${limit.intervalMs / 1000} s`, ...floors(requests, limit) };
}

/** The minimum for Meta: one events request per 1,000 at the policy's rate. */
export function metaMinimum(orders: number): SideFigures['minimum'] {
  const limit = META_POLICY.rateBudget!;
  const requests = Math.ceil(orders / META_BATCH);
  return { requests, limit: `${limit.requests} per ${limit.intervalMs / 1000} s`, ...floors(requests, limit) };
}

function flowDefinition(
  name: string,
  mapping: string,
  target: string,
  action: string,
  options: ConversionsBenchOptions,
) {
  return {
    name,
    source: { connection: 'orders', stream: 'records' },
    mapping: { id: mapping },
    target: { connection: target, action },
    trigger: { type: 'manual' },
    // as the shipped templates: upsert for Google (a refund restates), append for Meta
    mode: action === 'sendConversions' ? 'upsert' : 'append',
    identity: { source: ['id'] },
    ...(options.concurrency === undefined ? {} : { options: { concurrency: options.concurrency } }),
  };
}

export async function runConversionsBench(options: ConversionsBenchOptions): Promise<ConversionsBenchResult> {
  const n = options.orders;
  const say = options.say ?? (() => undefined);
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'hub-bench-conversions-'));
  const files = path.join(dir, 'files');
  fs.mkdirSync(files);
  // the file connector reads only inside its roots (connectors/file/roots.ts), which it takes from the environment
  const rootBefore = process.env.HUB_FILES_ROOT;
  process.env.HUB_FILES_ROOT = files;
  const wrote = Date.now();
  writeOrdersFile(path.join(files, 'orders.ndjson'), n);
  const writeFileMs = Date.now() - wrote;
  let sandboxes: SandboxesProcess | undefined;
  try {
    sandboxes = await startSandboxesProcess();
    const vendors = sandboxes;
    const config = loadConfig({
      HUB_DATA_DIR: dir,
      HUB_FILES_ROOT: files,
      HUB_SANDBOX: 'off',
      HUB_LOG_LEVEL: 'error',
    });
    const hub = await openHub(config, { logger: createLogger({ level: 'error' }) });
    const engine = await openEngine(hub, { scheduler: false });
    try {
      await engine.runner.startWorker();
      const connections = connectionServiceFor(hub);
      await connections.create({
        name: 'orders',
        connectorId: 'file',
        settings: { directory: files, path: 'orders.ndjson', pageSize: options.pageSize ?? 500 },
      });
      await connections.create({ name: 'ads-google', connectorId: 'google', settings: vendors.google });
      await connections.create({ name: 'ads-meta', connectorId: 'meta', settings: vendors.meta });
      const flows = flowServiceFor(hub);
      await flows.create(
        flowDefinition(FLOW_GOOGLE, 'odoo-order-to-google-conversion', 'ads-google', 'sendConversions', options),
        { enabled: true },
      );
      await flows.create(flowDefinition(FLOW_META, 'odoo-order-to-meta-purchase', 'ads-meta', 'sendEvents', options), {
        enabled: true,
      });

      say(`  running ${FLOW_GOOGLE} …`);
      const googleSide = await measure(FLOW_GOOGLE, vendors, 'google', googleMinimum(n), async () =>
        runToEnd(hub, engine, FLOW_GOOGLE),
      );
      say(`  running ${FLOW_META} …`);
      const metaSide = await measure(FLOW_META, vendors, 'meta', metaMinimum(n), async () =>
        runToEnd(hub, engine, FLOW_META),
      );
      const check = (side: Omit<SideFigures, 'exactlyOnce'>): SideFigures => ({
        ...side,
        exactlyOnce: side.distinct === n && side.received === n,
      });
      return {
        orders: n,
        writeFileMs,
        google: check(googleSide),
        meta: check(metaSide),
        peakRssMb: Math.round(process.resourceUsage().maxRSS / 1024),
        sandboxesPid: vendors.pid,
      };
    } finally {
      await engine.close();
      await hub.close();
    }
  } finally {
    await sandboxes?.close();
    if (rootBefore === undefined) delete process.env.HUB_FILES_ROOT;
    else process.env.HUB_FILES_ROOT = rootBefore;
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

async function measure(
  flow: string,
  sandboxes: SandboxesProcess,
  side: 'google' | 'meta',
  minimum: SideFigures['minimum'],
  run: () => ReturnType<typeof runToEnd>,
): Promise<Omit<SideFigures, 'exactlyOnce'>> {
  const before = await sandboxes.figures(side);
  const startedAt = Date.now();
  const cpu = process.cpuUsage();
  const result = await run();
  const durationMs = Date.now() - startedAt;
  const used = process.cpuUsage(cpu);
  const cpuMs = Math.round((used.user + used.system) / 1000);
  const { cpuMs: sandboxCpu, ...figures } = await sandboxes.figures(side);
  return {
    flow,
    status: result.status,
    counts: result.counts,
    durationMs,
    cpuMs,
    sandboxCpuMs: sandboxCpu - before.cpuMs,
    minimum,
    ...figures,
  };
}
