import './helpers/env';
import { expectCompleteSync } from './helpers/assertions';
import { createBed, QUEUE_PREFIX, type Bed, type Driver } from './helpers/bed';
import { between, seededRandom } from './helpers/random';

/**
 * Acceptance: worker processes (`hub worker`) killed with SIGKILL at random points of a 20,000-record sync, then
 * restarted. The killed worker's run is found by the queue itself once its lock expires (HUB_QUEUE_LOCK_MS, short
 * in these tests). Whatever the moment of the kill (reading, writing a batch, recording it), the run resumes from its
 * last checkpoint and finishes; the sink ends with every record exactly once in its final state.
 */

const RECORDS = 20_000;
const REVISIONS = 1_000;
const PAGE_SIZE = 500;
const BATCH_SIZE = 250;
const KILLS = 4;

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe.each<[Driver, number]>([
  ['embedded', 20240611],
  ['bullmq', 20240612],
])('crash recovery with the %s queue', (driver, seed) => {
  let bed: Bed | undefined;

  afterEach(async () => {
    await bed?.cleanup();
    bed = undefined;
  });

  it(`loses and duplicates nothing when workers are SIGKILLed ${KILLS} times during a run`, async () => {
    bed = await createBed({
      driver,
      records: RECORDS,
      revisions: REVISIONS,
      seed,
      pageSize: PAGE_SIZE,
      batchSize: BATCH_SIZE,
      concurrency: 2,
      sinkLatencyMs: 5,
      workers: 2,
    });
    await bed.workers.startAll(2);
    const runId = await bed.startRun();

    // kill points: one in each of KILLS equal stretches of the first two thirds of the file, at a seeded random place
    // in it. Not later: the run must still be going when the kill lands (after the point is seen, a random pause and
    // finding the owner), and a faster runner with deeper read-ahead finished the last sixth of the file inside that
    // pause once, so a kill hit no run ("run started 4 times")
    const random = seededRandom(seed);
    const stretch = (bed.lines * 0.6) / KILLS;
    const points = Array.from({ length: KILLS }, (_, i) => Math.round(bed!.lines * 0.05 + stretch * (i + random())));
    const kills: { at: number; read: number; victims: number[] }[] = [];
    for (const point of points) {
      const before = await bed.waitForRead(runId, point, 90_000);
      expect(before.status).toBe('running');
      await sleep(between(random, 0, 150));
      const owner = await bed.workers.waitForOwner(runId);
      // the worker working the run dies; now and then the other one too (every worker down at once)
      const victims = random() < 0.3 ? [0, 1] : [owner.slot];
      for (const slot of victims) expect((await bed.workers.kill(slot, 'SIGKILL')).signal).toBe('SIGKILL');
      kills.push({ at: point, read: (await bed.run(runId)).counts.read, victims });
      await sleep(between(random, 0, 500));
      await Promise.all(victims.map((slot) => bed!.workers.start(slot)));
    }

    const run = await bed.waitForRun(runId, 120_000);
    const starts = bed.workers.all.filter((w) => w.logged('run started', runId)).length;
    process.stdout.write(
      `crash recovery (${driver}): kills ${JSON.stringify(kills)}; run started ${starts} times; counts ${JSON.stringify(run.counts)}; sink ${JSON.stringify(bed.sink.counts)}\n`,
    );
    // every kill interrupted the run: it was started once, then once more after each kill
    expect(starts).toBe(KILLS + 1);
    await expectCompleteSync(bed, run, { maxRedundant: KILLS * PAGE_SIZE });
    if (driver === 'bullmq') {
      // the hub's keys are under its HUB_QUEUE_PREFIX (the rate budgets' too; they expire within a second or so)
      expect(await bed.redisKeys(`${QUEUE_PREFIX}:runs:*`)).not.toHaveLength(0);
      expect(await bed.redisKeys('hub:*')).toEqual([]);
    }
  }, 240_000);
});
