import './helpers/env';
import { expectCompleteSync } from './helpers/assertions';
import { createBed, type Bed, type Driver } from './helpers/bed';

/**
 * The other side of crash recovery: a run whose worker dies on every attempt before the run gets past its first
 * page (here: a destination that never answers, and a worker killed each time) is a poison job. The queue gives
 * it up after its attempts, and the run is then failed with a reason, not left `running` with no job behind it.
 * Running the flow again resumes from the last checkpoint and completes.
 */

const RECORDS = 2_000;
const PAGE_SIZE = 500;
/** The attempts of a run job (RUN_JOB_ATTEMPTS; BullMQ: maxStalledCount 2 → the third recovery fails it). */
const ATTEMPTS = 3;

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe.each<Driver>(['embedded', 'bullmq'])('a run that kills its workers (%s queue)', (driver) => {
  let bed: Bed | undefined;

  afterEach(async () => {
    await bed?.cleanup();
    bed = undefined;
  });

  it('is failed with a reason once its attempts are used, and a new run completes the sync', async () => {
    bed = await createBed({
      driver,
      records: RECORDS,
      revisions: 0,
      seed: 99,
      pageSize: PAGE_SIZE,
      batchSize: 250,
      concurrency: 2,
      sinkLatencyMs: 600_000,
      workers: 2,
    });
    await bed.workers.startAll(2);
    const runId = await bed.startRun();
    const starts = () => bed!.workers.all.reduce((n, w) => n + w.logLines('run started', runId).length, 0);

    let callsBefore = 0;
    for (let attempt = 1; attempt <= ATTEMPTS; attempt++) {
      // this attempt has started (on whichever worker took the job) and sent a write, which hangs: kill its worker
      const deadline = Date.now() + 60_000;
      while (starts() < attempt || bed.sink.counts.calls <= callsBefore) {
        if (Date.now() > deadline) throw new Error(`attempt ${attempt} did not start\n${await bed.diagnostics(runId)}`);
        await sleep(20);
      }
      const owner = await bed.workers.waitForOwner(runId);
      expect((await bed.workers.kill(owner.slot, 'SIGKILL')).signal).toBe('SIGKILL');
      callsBefore = bed.sink.counts.calls;
      await bed.workers.start(owner.slot);
    }

    const failed = await bed.waitForRun(runId, 60_000);
    expect(failed.status).toBe('failed');
    expect(failed.error?.message).toMatch(/the queue gave the run up .*run the flow again/s);
    expect(failed.counts.read).toBe(0);
    expect(starts()).toBe(ATTEMPTS);
    expect(await bed.engine.queue.depth('runs')).toMatchObject({ active: 0, waiting: 0, delayed: 0 });

    // the destination answers again: a new run of the flow does the whole sync
    bed.sink.latencyMs = 0;
    const rerunId = await bed.startRun();
    expect(rerunId).not.toBe(runId);
    const rerun = await bed.waitForRun(rerunId, 60_000);
    await expectCompleteSync(bed, rerun, { maxRedundant: ATTEMPTS * PAGE_SIZE });
  }, 180_000);
});
