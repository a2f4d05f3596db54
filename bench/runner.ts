/**
 * Flow runner figures: `npx tsx bench/runner.ts [throughput|rate|memory|all]` (default all). Prints, asserts nothing.
 * Measures tsc's output, as the hub ships (bench/built.ts; BENCH_FROM_SOURCE=1: under tsx).
 *
 *  throughput  records/s of the runner alone: an in-memory source and destination (no latency), BENCH_N records
 *              (default 100,000), a first run (every record created) and a second one over the same data (every
 *              record unchanged, no write). On the embedded queue with SQLite, and on BullMQ (Redis at
 *              HUB_BENCH_REDIS_URL, else redis://127.0.0.1:6379 when it answers) with SQLite and with PostgreSQL
 *              (HUB_BENCH_DATABASE_URL, else postgres://hub:hub@127.0.0.1:5432/hub_test when it answers; a
 *              fresh schema, dropped after). Twice: with the trivial bench mapping, and with the sync template's
 *              mapping (hubspot-contact-to-mailchimp-member, its schemas validated) on generated HubSpot contacts.
 *              Each beside a hand-written baseline on the same records (below) with the ratios, in records/s and in
 *              CPU µs of this process per record. BENCH_QUICK=1: embedded + SQLite only, trivial mapping only;
 *              BENCH_WORKLOAD=trivial|real: that workload only; BENCH_EMBEDDED=1: embedded + SQLite only;
 *              BENCH_POSTGRES=1: BullMQ + PostgreSQL only.
 *  rate        a rate-limited run against its theoretical minimum: 2,000 records, batch 100, 5 requests/s on the
 *              destination → 20 writes, minimum 4 s (records ÷ batch ÷ requests per second). Memory budget
 *              (embedded) and Redis budget (BullMQ).
 *  memory      BENCH_MEMORY_N records (default 1,000,000) of an NDJSON file through the file connector into an
 *              in-memory destination that only counts, embedded queue + SQLite, in a child process: peak RSS
 *              sampled every 100 ms and the kernel's maxrss of that process; run twice: under Node's default heap
 *              settings and under RECOMMENDED_NODE_FLAGS (BENCH_MEMORY_TRACE=1 prints RSS and heap every 5 s,
 *              and with NODE_OPTIONS=--expose-gc the live heap after a full collection).
 */
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { loadMapping } from '../core/mapping/loader';
import { isSkipMarker } from '../core/mapping/stdlib/skip';
import { runBuilt } from './built';
import { handWritten as handWrittenMapping } from './mapping-handwritten/index';
import { generate, generatorFor } from './mapping-records';
import { linkRowsFloor } from './runner-floor';
import {
  mb,
  MAPPINGS_DIR,
  generatedSource,
  memoryTarget,
  Driver,
  reachable,
  REDIS_URL,
  PG_URL,
  openBenchHub,
  createFlow,
} from './runner-fixtures';

// ---------------------------------------------------------------------------------------------------------------
// (a) throughput

/**
 * The yardstick the runner is measured against, on the same generated records in the same process: a hand-written
 * pipeline that reads the records page by page, maps them (the bench mapping, by hand), hashes each payload once
 * (sha256), and upserts one link row per record into node:sqlite in batches of 500 in one transaction per batch — the
 * least any tool that remembers what it wrote must do. The second pass compares each payload's hash with the stored
 * one and writes nothing for unchanged records. Records/s of both passes. With the real mapping, its hand-written
 * twin (bench/mapping-handwritten.ts, with the engine's schema validation) maps, and records it skips or refuses
 * are not written.
 */
/** CPU time of this process (user + system, ms) since `from` (process.cpuUsage()): steadier than wall time on a busy machine. */
function cpuMs(from: NodeJS.CpuUsage): number {
  const used = process.cpuUsage(from);
  return (used.user + used.system) / 1000;
}

interface PassFigures {
  /** records/s (wall clock) */
  rate: number;
  /** CPU µs of this process per record */
  cpu: number;
}

/** A bench workload: the records, the flow's mapping, its hand-written twin, and the destination's identity field. */
interface Workload {
  label: string;
  make?: (i: number) => Record<string, unknown>;
  /** The flow's mapping id (default: the bench's trivial MAPPING). */
  mapping?: string;
  /** The baseline's mapping: the payload, or undefined for a record that is not written (skipped or invalid). */
  mapByHand: (record: Record<string, unknown>) => Record<string, unknown> | undefined;
  idField: string;
}

const TRIVIAL: Workload = {
  label: 'trivial mapping',
  mapByHand: (r) => ({ id: r.id, email: r.email, name: r.name }),
  idField: 'id',
};

/** The sync template's mapping (hubspot-contacts-to-mailchimp) on generated HubSpot contacts (bench/mapping-records.ts). */
const REAL_MAPPING = 'hubspot-contact-to-mailchimp-member';
function realWorkload(n: number): Workload {
  const mapping = loadMapping(path.join(MAPPINGS_DIR, REAL_MAPPING));
  const byHand = handWrittenMapping(mapping);
  if (byHand === undefined) throw new Error(`no hand-written version of ${REAL_MAPPING}`);
  // generated once (the generator draws from one seeded sequence): every pass reads the same n records
  const records = generate(n, generatorFor(mapping)) as Record<string, unknown>[];
  return {
    label: `mapping ${REAL_MAPPING}`,
    make: (i) => records[i],
    mapping: REAL_MAPPING,
    mapByHand: (record) => {
      const result = byHand(record);
      return result.ok && !isSkipMarker(result.value) ? (result.value as Record<string, unknown>) : undefined;
    },
    idField: 'email_address',
  };
}

async function handWritten(
  n: number,
  pageSize: number,
  workload: Workload,
): Promise<{ creates: PassFigures; unchanged: PassFigures }> {
  const { DatabaseSync } = await import('node:sqlite');
  const { createHash } = await import('node:crypto');
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'bench-hand-'));
  const db = new DatabaseSync(path.join(dir, 'links.sqlite'));
  try {
    db.exec('PRAGMA journal_mode = WAL; PRAGMA synchronous = NORMAL;');
    db.exec('CREATE TABLE links (external_id TEXT PRIMARY KEY, target_id TEXT, hash TEXT, updated_at INTEGER)');
    const upsert = db.prepare(
      'INSERT INTO links (external_id, target_id, hash, updated_at) VALUES (?, ?, ?, ?) ' +
        'ON CONFLICT (external_id) DO UPDATE SET target_id = excluded.target_id, hash = excluded.hash, updated_at = excluded.updated_at',
    );
    const select = db.prepare('SELECT hash FROM links WHERE external_id = ?');
    const pass = async (): Promise<PassFigures> => {
      const started = performance.now();
      const cpu = process.cpuUsage();
      const source = generatedSource(n, pageSize, workload.make).streams[0]!;
      for await (const page of source.read({ connection: {} as never, checkpoint: null })) {
        const records = page.records as Record<string, unknown>[];
        for (let i = 0; i < records.length; i += 500) {
          db.exec('BEGIN');
          for (const r of records.slice(i, i + 500)) {
            const payload = workload.mapByHand(r);
            if (payload === undefined) continue;
            const id = String(r.id);
            const hash = createHash('sha256').update(JSON.stringify(payload)).digest('hex');
            const stored = select.get(id) as { hash?: string } | undefined;
            if (stored?.hash === hash) continue;
            upsert.run(id, `t-${String(payload[workload.idField])}`, hash, Date.now());
          }
          db.exec('COMMIT');
        }
      }
      return { rate: n / ((performance.now() - started) / 1000), cpu: (cpuMs(cpu) * 1000) / n };
    };
    const creates = await pass();
    const unchanged = await pass();
    return { creates, unchanged };
  } finally {
    db.close();
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

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
  // BENCH_QUICK=1: the trivial mapping on the embedded queue + SQLite only (alternating before/after comparisons)
  const quick = process.env.BENCH_QUICK === '1';
  if (quick || process.env.BENCH_EMBEDDED === '1') configs.splice(1);
  // BENCH_POSTGRES=1: BullMQ + PostgreSQL only (profiling the PostgreSQL store)
  if (process.env.BENCH_POSTGRES === '1') configs.splice(0, configs.length, ...configs.filter((c) => c.postgres));
  // BENCH_WORKLOAD=trivial|real: one workload only (profiling one of them)
  const only = process.env.BENCH_WORKLOAD;
  const workloads = quick && only === undefined ? [TRIVIAL] : [TRIVIAL, realWorkload(n)];
  for (const workload of only === undefined
    ? workloads
    : workloads.filter((w) => (w === TRIVIAL) === (only === 'trivial')))
    await throughputOf(workload, configs, n, pageSize, batch);
}

async function throughputOf(
  workload: Workload,
  configs: { label: string; driver: Driver; postgres?: boolean }[],
  n: number,
  pageSize: number,
  batch: number,
): Promise<void> {
  console.log(`  — ${workload.label}`);
  const hand = await handWritten(n, pageSize, workload);
  console.log(
    `  ${'hand-written (node:sqlite)'.padEnd(26)} first run (creates): ${hand.creates.rate.toFixed(0).padStart(6)} records/s, ${hand.creates.cpu.toFixed(1)} µs CPU/record` +
      `             second run (unchanged): ${hand.unchanged.rate.toFixed(0).padStart(6)} records/s, ${hand.unchanged.cpu.toFixed(1)} µs CPU/record`,
  );
  if (workload === TRIVIAL) {
    const floor = await linkRowsFloor(n);
    console.log(
      `  ${'link rows alone (store)'.padEnd(26)} first run (creates): ${floor.cpu.toFixed(1)} µs CPU/record in the hub's store for its two link rows per record` +
        ` (${(floor.cpu / hand.creates.cpu).toFixed(1)}× the hand-written pass: bench/runner-floor.ts)`,
    );
  }
  for (const config of configs) {
    const target = memoryTarget({ batch, keep: true, idField: workload.idField });
    const hub = await openBenchHub(config, [generatedSource(n, pageSize, workload.make), target.definition]);
    try {
      const flowId = await createFlow(
        hub,
        { connectorId: 'bench-source', settings: {}, stream: 'records' },
        {
          batchSize: batch,
          concurrency: 2,
          ...(workload.mapping === undefined ? {} : { mapping: workload.mapping }),
        },
      );
      let cpu = process.cpuUsage();
      const first = await hub.run(flowId);
      const firstCpu = (cpuMs(cpu) * 1000) / n;
      // the second run reads everything again (no checkpoint), as a full re-sync would: every record unchanged
      await hub.store.db.deleteFrom('checkpoints').where('flow_id', '=', flowId).execute();
      cpu = process.cpuUsage();
      const second = await hub.run(flowId);
      const secondCpu = (cpuMs(cpu) * 1000) / n;
      // every record written once (or, with the real mapping, held or failed as the mapping decides), none again
      const c = first.run.counts;
      const ok =
        c.read === n &&
        c.created === target.records?.size &&
        c.created + c.unchanged + c.failed === n &&
        (workload.mapping !== undefined || c.created === n) &&
        second.run.counts.created === 0 &&
        second.run.counts.updated === 0;
      const createRate = n / first.seconds;
      const unchangedRate = n / second.seconds;
      console.log(
        `  ${config.label.padEnd(26)} first run (creates): ${createRate.toFixed(0).padStart(6)} records/s (${first.seconds.toFixed(1)} s), ${firstCpu.toFixed(1)} µs CPU/record` +
          `  second run (unchanged): ${unchangedRate.toFixed(0).padStart(6)} records/s (${second.seconds.toFixed(1)} s), ${secondCpu.toFixed(1)} µs CPU/record` +
          `  ${ok ? 'ok' : `CHECK FAILED ${JSON.stringify({ first: first.run.counts, second: second.run.counts })}`}` +
          `\n  ${''.padEnd(26)} runner ÷ hand-written: wall creates ${(hand.creates.rate / createRate).toFixed(1)}×, unchanged ${(hand.unchanged.rate / unchangedRate).toFixed(1)}×;` +
          ` CPU creates ${(firstCpu / hand.creates.cpu).toFixed(1)}×, unchanged ${(secondCpu / hand.unchanged.cpu).toFixed(1)}×` +
          `${config.postgres ? ' (this process only: not the PostgreSQL server)' : ''}`,
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
  process.env.HUB_FILES_ROOT = dir; // the file connector reads only inside its roots (connectors/file/roots.ts)
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
      // with --expose-gc (NODE_OPTIONS), the live heap after a full collection too
      const gc = (globalThis as { gc?: () => void }).gc;
      let live = '';
      if (gc !== undefined) {
        gc();
        live = ` live heap after gc ${mb(process.memoryUsage().heapUsed)}`;
      }
      process.stderr.write(
        `rss ${mb(usage.rss)} heapUsed ${mb(usage.heapUsed)} heapTotal ${mb(usage.heapTotal)} external ${mb(usage.external)} arrayBuffers ${mb(usage.arrayBuffers)}${live}\n`,
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

/**
 * The memory run under Node's default V8 heap settings, and under the flags the hub process should run with
 * (NODE_OPTIONS): the live heap of a long sync stays around 35 MB, but with a 4 GB default heap limit V8 lets
 * garbage pile up to 200+ MB before it collects the old generation; a smaller young generation and old-space limit
 * keep the process near its live size at a few % of throughput.
 */
export const RECOMMENDED_NODE_FLAGS = ['--max-semi-space-size=8', '--max-old-space-size=512'];
const MEMORY_CONFIGS: { label: string; flags: string[] }[] = [
  { label: 'default V8 heap settings', flags: [] },
  { label: RECOMMENDED_NODE_FLAGS.join(' '), flags: RECOMMENDED_NODE_FLAGS },
];

function memoryRun(label: string, flags: string[], dir: string): void {
  const child = spawnSync(process.execPath, [...flags, ...process.execArgv, __filename, 'memory-child', dir], {
    encoding: 'utf8',
    maxBuffer: 1 << 24,
  });
  const line = child.stdout.trim().split('\n').pop() ?? '';
  if (child.status !== 0 || !line.startsWith('{')) {
    console.log(`  ${label}: the child failed (${child.status}): ${child.stderr.slice(-2000)}`);
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
    `  ${label}: run ${r.status}, read ${r.read.toLocaleString('en')}, written ${r.writes.toLocaleString('en')} in ${r.seconds.toFixed(1)} s (${(r.read / r.seconds).toFixed(0)} records/s)`,
  );
  console.log(
    `    peak RSS sampled ${mb(r.peakRssSampled)}, maxrss ${mb(r.maxRss)} (goal < 256 MB: ${r.maxRss < 256 * 1024 * 1024 ? 'met' : 'MISSED'}); heap at the end ${mb(r.heapUsedEnd)}`,
  );
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
    console.log(`  file ${mb(size)}`);
    for (const { label, flags } of MEMORY_CONFIGS) memoryRun(label, flags, dir);
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

// from the TypeScript source: measured as tsc's output, as the hub ships (bench/built.ts)
const builtExit = runBuilt(__filename, process.argv.slice(2));
if (builtExit !== undefined) process.exit(builtExit);
else {
  main().then(
    () => process.exit(0),
    (error: unknown) => {
      console.error(error);
      process.exit(1);
    },
  );
}
