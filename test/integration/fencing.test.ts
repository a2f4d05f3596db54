import './helpers/env';
import { Redis } from 'ioredis';
import { expectCompleteSync } from './helpers/assertions';
import { createBed, QUEUE_LOCK_MS, type Bed, type Driver } from './helpers/bed';
import { PrivateRedis } from './helpers/private-redis';
import type { WorkerProcess } from './helpers/workers';

/**
 * Acceptance (issue 15): one run in one place at a time, with `hub worker` processes.
 * - A worker frozen (SIGSTOP) past its lock is taken over; resumed, it writes nothing more: its page is refused by
 *   the fence and it stops (BullMQ + PostgreSQL).
 * - Redis stopped for longer than the lock while two workers run one sync: the run executes once (one "run
 *   started", counters equal records); each worker says once that Redis is gone and once that it is back (row 19).
 * - Redis loses its data while the owner is killed: the run has no job behind it; a worker's orphan reaper finds it
 *   and it finishes by itself.
 */

const RECORDS = 3_000;
const PAGE_SIZE = 100;
const BATCH_SIZE = 50;

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

async function until<T>(what: string, bed: Bed, probe: () => T | undefined | false, timeoutMs = 60_000) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = probe();
    if (value !== undefined && value !== false) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}\n${await bed.diagnostics()}`);
    await sleep(50);
  }
}

function starts(bed: Bed, runId: string): number {
  return bed.workers.all.reduce((n, w) => n + w.logLines('run started', runId).length, 0);
}

// BullMQ + PostgreSQL. Embedded + SQLite is covered in one process by test/core/queue/fencing.test.ts: with worker
// processes sharing one SQLite file, a worker frozen inside a write transaction holds the file's write lock, so
// nobody can take its run over until it resumes (safe — nothing runs twice — but it cannot show a takeover).
describe.each<Driver>(['bullmq'])('fencing with the %s queue', (driver) => {
  let bed: Bed | undefined;
  let frozen: WorkerProcess | undefined;

  afterEach(async () => {
    if (frozen?.alive) frozen.child.kill('SIGCONT');
    await bed?.cleanup();
    bed = undefined;
  });

  it('a worker frozen past its lock is taken over, and resumed it writes nothing more', async () => {
    bed = await createBed({
      driver,
      records: RECORDS,
      revisions: 0,
      seed: 15,
      pageSize: PAGE_SIZE,
      batchSize: BATCH_SIZE,
      concurrency: 2,
      sinkLatencyMs: 20,
      workers: 2,
    });
    const b = bed;
    await b.workers.startAll(2);
    const runId = await b.startRun();
    await b.waitForRead(runId, RECORDS * 0.2, 90_000);
    const owner = await b.workers.waitForOwner(runId);
    const other = b.workers.slots.find((w) => w !== owner) as WorkerProcess;
    frozen = owner;
    owner.child.kill('SIGSTOP');
    // the other worker takes the run over once the frozen one's lock and lease have expired
    await until('the takeover', b, () => other.logged('run started', runId), QUEUE_LOCK_MS * 10);
    owner.child.kill('SIGCONT');

    const run = await b.waitForRun(runId, 120_000);
    // resumed, the stale owner found its lease gone and stopped; its late writes were refused
    await until('the stale owner to stop', b, () =>
      owner.logged('run taken over by another worker; this worker stopped (its late writes were refused)', runId),
    );
    const after = await b.run(runId);
    process.stdout.write(
      `fencing (${driver}, frozen): starts ${starts(b, runId)}; counts ${JSON.stringify(after.counts)}; sink ${JSON.stringify(b.sink.counts)}\n`,
    );
    expect(after).toEqual(run);
    expect(owner.logLines('run started', runId)).toHaveLength(1);
    expect(starts(b, runId)).toBe(2);
    // every line read once: the page the frozen worker was in is counted by the new owner only
    expect(run.counts.read).toBe(b.lines);
    // at most the write batches the frozen worker had in flight reach the sink twice
    await expectCompleteSync(b, run, { maxRedundant: 2 * BATCH_SIZE });
  }, 240_000);
});

describe('fencing with BullMQ when Redis goes away', () => {
  let bed: Bed | undefined;
  let redis: PrivateRedis | undefined;

  afterEach(async () => {
    await bed?.cleanup();
    bed = undefined;
    await redis?.cleanup();
    redis = undefined;
  });

  it('Redis stopped for longer than the lock: the run executes once; workers pause and resume (row 19)', async () => {
    redis = await PrivateRedis.start();
    bed = await createBed({
      driver: 'bullmq',
      redisUrl: redis.url,
      records: RECORDS,
      revisions: 0,
      seed: 19,
      pageSize: PAGE_SIZE,
      batchSize: BATCH_SIZE,
      concurrency: 2,
      sinkLatencyMs: 20,
      workers: 2,
    });
    const b = bed;
    await b.workers.startAll(2);
    const runId = await b.startRun();
    await b.waitForRead(runId, RECORDS * 0.2, 90_000);
    await redis.stop();
    await sleep(QUEUE_LOCK_MS * 2 + 1000);
    await redis.start();

    const run = await b.waitForRun(runId, 120_000);
    process.stdout.write(
      `fencing (Redis stopped): starts ${starts(b, runId)}; counts ${JSON.stringify(run.counts)}; sink ${JSON.stringify(b.sink.counts)}\n`,
    );
    expect(starts(b, runId)).toBe(1);
    expect(run.counts.read).toBe(b.lines);
    expect(run.counts.created).toBe(RECORDS);
    await expectCompleteSync(b, run, { maxRedundant: 0 });
    for (const worker of b.workers.all) {
      // one line when Redis went away and one when it came back, not an error per reconnection attempt
      expect(worker.logLines(/^Redis is unreachable/)).toHaveLength(1);
      expect(worker.logLines(/^Redis is reachable again/)).toHaveLength(1);
      const errors = worker.logs.filter((l) => (l.level ?? 0) >= 50);
      expect(errors.map((l) => `${l.msg}: ${(l.err as { message?: string } | undefined)?.message ?? ''}`)).toEqual([]);
    }
  }, 240_000);

  it('Redis data lost with the owner killed: the orphaned run is re-enqueued and finishes by itself', async () => {
    redis = await PrivateRedis.start();
    bed = await createBed({
      driver: 'bullmq',
      redisUrl: redis.url,
      records: RECORDS,
      revisions: 0,
      seed: 2,
      pageSize: PAGE_SIZE,
      batchSize: BATCH_SIZE,
      concurrency: 2,
      sinkLatencyMs: 20,
      workers: 2,
    });
    const b = bed;
    await b.workers.startAll(2);
    const runId = await b.startRun();
    await b.waitForRead(runId, RECORDS * 0.2, 90_000);
    const owner = await b.workers.waitForOwner(runId);
    await b.workers.kill(owner.slot, 'SIGKILL');
    const client = new Redis(redis.url);
    try {
      await client.flushall();
    } finally {
      client.disconnect();
    }
    expect(await b.redisKeys('*')).toEqual([]);

    const run = await b.waitForRun(runId, 120_000);
    const reaped = b.workers.all.flatMap((w) => w.logLines(/^orphaned run/, runId));
    process.stdout.write(
      `orphan reaper: starts ${starts(b, runId)}; reaped ${reaped.length}; counts ${JSON.stringify(run.counts)}\n`,
    );
    expect(reaped.length).toBeGreaterThanOrEqual(1);
    expect(run.counts.read).toBe(b.lines);
    await expectCompleteSync(b, run, { maxRedundant: PAGE_SIZE });
  }, 240_000);
});
