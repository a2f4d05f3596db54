import './helpers/env';
import { expectCompleteSync } from './helpers/assertions';
import { createBed, type Bed, type Driver } from './helpers/bed';
import { between, seededRandom } from './helpers/random';

/**
 * Acceptance: SIGTERM to the `hub worker` process working a run (a deploy, a scale-down). The process stops the
 * run (at a page boundary, or mid-page with the page handed back whole), hands the job back to the queue and exits
 * with code 0; a fresh worker takes the run over from its checkpoint and finishes it, with nothing lost and
 * nothing duplicated at the sink.
 */

const RECORDS = 10_000;
const REVISIONS = 500;
const PAGE_SIZE = 500;
const BATCH_SIZE = 250;

describe.each<[Driver, number]>([
  ['embedded', 7001],
  ['bullmq', 7002],
])('graceful shutdown with the %s queue', (driver, seed) => {
  let bed: Bed | undefined;

  afterEach(async () => {
    await bed?.cleanup();
    bed = undefined;
  });

  it('hands the run back on SIGTERM, exits 0, and a fresh worker finishes it', async () => {
    bed = await createBed({
      driver,
      records: RECORDS,
      revisions: REVISIONS,
      seed,
      pageSize: PAGE_SIZE,
      batchSize: BATCH_SIZE,
      concurrency: 2,
      sinkLatencyMs: 5,
      workers: 1,
    });
    const first = await bed.workers.start(0);
    const runId = await bed.startRun();

    const random = seededRandom(seed);
    const before = await bed.waitForRead(runId, between(random, bed.lines * 0.25, bed.lines * 0.6), 60_000);
    expect(before.status).toBe('running');
    const exit = await bed.workers.kill(0, 'SIGTERM');
    expect(exit).toEqual({ code: 0, signal: null });
    expect(first.logged(/^worker stopping/)).toBe(true);
    const [handedBack] = first.logLines(/handing it back/, runId);
    expect(handedBack).toBeDefined();

    // the job is back in the queue, unlocked, and the run is neither finished nor lost
    const stopped = await bed.run(runId);
    expect(stopped.status).toBe('running');
    expect(stopped.counts.read).toBeLessThan(bed.lines);
    const depth = await bed.engine.queue.depth('runs');
    expect({ active: depth.active, queued: depth.waiting + depth.delayed, failed: depth.failed }).toEqual({
      active: 0,
      queued: 1,
      failed: 0,
    });

    const fresh = await bed.workers.start(0);
    const run = await bed.waitForRun(runId, 90_000);
    expect(fresh.logged('run started', runId)).toBe(true);
    process.stdout.write(
      `graceful shutdown (${driver}): SIGTERM at read ${stopped.counts.read}/${bed.lines} (${String(handedBack?.msg)}); counts ${JSON.stringify(run.counts)}; sink ${JSON.stringify(bed.sink.counts)}\n`,
    );
    // a page stopped mid-way is handed back whole: at most its writes are delivered again
    await expectCompleteSync(bed, run, { maxRedundant: PAGE_SIZE });
  }, 180_000);
});
