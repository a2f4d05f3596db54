import { randomBytes } from 'node:crypto';
import os from 'node:os';
import type { HubLogger } from '../logging/logger';
import type { Store } from '../store/open';
import { JobsRepo, type StoredJob } from '../store/repos/jobs';
import type { EnqueueOptions, JobData, JobHandler, JobQueue, ProcessOptions, QueueDepth, QueueJob } from './port';
import {
  DEFAULT_ATTEMPTS,
  DEFAULT_CLOSE_TIMEOUT_MS,
  DEFAULT_QUEUE_LOCK_MS,
  InFlight,
  Sleeper,
  backoffDelay,
  drainInFlight,
  silentLogger,
  type BackoffOptions,
  type Outcome,
} from './shared';

/**
 * The embedded durable queue: jobs are rows of the store's `jobs` table (SQLite or PostgreSQL, same code), so they
 * survive restarts and need no Redis. A worker claims a job by locking it (token + `locked_until`) and keeps the
 * lock alive with a heartbeat; a job whose lock expired belonged to a worker that died and is taken again by any
 * worker. Delivery is at-least-once: a job can run twice after a crash or a lost lock, never zero times.
 */

export interface EmbeddedQueueOptions {
  store: Store;
  logger?: HubLogger;
  /** How often an idle worker looks for due jobs (enqueues on this process wake it at once). Default 1000. */
  pollMs?: number;
  /** How long a claim holds without a heartbeat: the time a crashed worker's job waits. Default 30000. */
  lockMs?: number;
  /** Retry delays after a thrown error. */
  backoff?: BackoffOptions;
  /** How long completed rows are kept before they are deleted. Default 24 hours. */
  keepCompletedMs?: number;
  /** Names this process in `locked_by` (for operators). Default host:pid. */
  workerName?: string;
}

const CLEANUP_EVERY_MS = 10 * 60_000;

interface Running {
  /** As claimed (its `attempts` start over when the job reports progress). */
  job: StoredJob;
  token: string;
  flight: InFlight;
  settled: boolean;
}

class Consumer {
  readonly sleeper = new Sleeper();
  readonly running = new Set<Running>();
  stopped = false;
  loopDone: Promise<void> = Promise.resolve();
  #lastCleanup = 0;

  constructor(
    private readonly owner: EmbeddedQueue,
    readonly queue: string,
    private readonly handler: JobHandler,
    private readonly concurrency: number,
    private readonly onGivenUp?: ProcessOptions['onGivenUp'],
  ) {}

  start(): void {
    this.loopDone = this.loop();
  }

  stop(): void {
    this.stopped = true;
    this.sleeper.wake();
  }

  private async loop(): Promise<void> {
    const { repo, logger, pollMs, lockMs } = this.owner;
    while (!this.stopped) {
      const free = this.concurrency - this.running.size;
      let full = false;
      try {
        if (free > 0) {
          const token = this.owner.newToken();
          const claimed = await repo.claim(this.queue, token, free, lockMs, Date.now());
          // A claim that raced with close(): give the jobs straight back rather than start work we will abort.
          if (this.stopped) await Promise.all(claimed.map((job) => repo.release(job.id, token, job.runAt, Date.now())));
          else for (const job of claimed) this.begin(job, token);
          full = claimed.length === free;
        }
        await this.cleanup();
      } catch (error) {
        logger.error({ err: error, queue: this.queue }, 'embedded queue: polling failed; retrying');
      }
      // A full claim means more jobs may be due: look again at once (a freed slot wakes the sleeper anyway).
      if (!full || this.running.size >= this.concurrency) await this.sleeper.sleep(pollMs);
    }
  }

  private begin(job: StoredJob, token: string): void {
    const { repo, logger } = this.owner;
    if (job.attempts > job.maxAttempts) {
      // Its lock expired on the last attempt: the worker died while running it (maybe because of it). Stop here.
      const reason = 'the worker running the job stopped (its lock expired) on the last attempt';
      void repo
        .fail(job.id, token, reason, null, Date.now())
        .then(async (held) => {
          if (held) await this.givenUp(job, reason);
        })
        .catch((error: unknown) => {
          logger.error({ err: error, jobId: job.id }, 'embedded queue: could not mark the job failed');
        });
      return;
    }
    const flight = new InFlight();
    const running: Running = { job, token, flight, settled: false };
    this.running.add(running);
    flight.done = (async () => {
      let data: JobData;
      try {
        data = JSON.parse(job.payloadJson) as JobData;
      } catch (error) {
        await this.record(running, { kind: 'error', error: new Error(`unreadable job payload: ${String(error)}`) });
        return;
      }
      const queueJob: QueueJob = {
        id: job.id,
        queue: job.queue,
        data,
        attempt: job.attempts,
        signal: flight.controller.signal,
        progressed: async () => {
          if (running.job.attempts <= 1 || running.settled) return;
          if (!(await this.owner.resetAttempts(job.id, token))) return;
          running.job = { ...running.job, attempts: 1 };
          queueJob.attempt = 1;
        },
        held: async () => {
          if (running.settled || flight.controller.signal.aborted) return false;
          const now = Date.now();
          const held = await this.owner.repo.extendLocks([token], now + this.owner.lockMs, now);
          return held.has(job.id);
        },
      };
      const outcome = await flight.run(() => this.handler(queueJob));
      running.settled = true;
      await this.record(running, outcome);
    })()
      .catch((error: unknown) => {
        logger.error({ err: error, jobId: job.id }, 'embedded queue: could not record the outcome of a job');
      })
      .finally(() => {
        running.settled = true;
        this.running.delete(running);
        this.sleeper.wake();
      });
  }

  private async record({ job, token }: Running, outcome: Outcome): Promise<void> {
    const { repo, logger, backoff } = this.owner;
    const now = Date.now();
    let held: boolean;
    switch (outcome.kind) {
      case 'done':
        held = await repo.complete(job.id, token, now);
        break;
      case 'reschedule':
        held = await repo.release(job.id, token, now + outcome.delayMs, now);
        break;
      case 'hand-back':
        held = await repo.release(job.id, token, now, now);
        break;
      case 'error': {
        const final = job.attempts >= job.maxAttempts;
        const retryAt = final ? null : now + backoffDelay(job.attempts, backoff);
        held = await repo.fail(job.id, token, outcome.error.message, retryAt, now);
        logger.warn(
          { jobId: job.id, queue: job.queue, attempt: job.attempts, final, err: outcome.error },
          final ? 'job failed for good' : 'job failed; will retry',
        );
        if (held && final) await this.givenUp(job, outcome.error.message);
        break;
      }
    }
    if (!held) {
      logger.warn({ jobId: job.id, outcome: outcome.kind }, 'embedded queue: lost the lock of a job; outcome ignored');
    }
  }

  private async givenUp(job: StoredJob, reason: string): Promise<void> {
    if (this.onGivenUp === undefined) return;
    try {
      const data = JSON.parse(job.payloadJson) as JobData;
      await this.onGivenUp({ id: job.id, queue: job.queue, data, reason });
    } catch (error) {
      this.owner.logger.error({ err: error, jobId: job.id }, 'embedded queue: the given-up handler failed');
    }
  }

  private async cleanup(): Promise<void> {
    const now = Date.now();
    if (now - this.#lastCleanup < CLEANUP_EVERY_MS) return;
    this.#lastCleanup = now;
    await this.owner.repo.deleteCompletedBefore(now - this.owner.keepCompletedMs, this.queue);
  }
}

class EmbeddedQueue implements JobQueue {
  readonly driver = 'embedded' as const;
  readonly repo: JobsRepo;
  readonly logger: HubLogger;
  readonly pollMs: number;
  readonly lockMs: number;
  readonly backoff: BackoffOptions | undefined;
  readonly keepCompletedMs: number;
  readonly #workerName: string;
  readonly #consumers = new Map<string, Consumer>();
  #seq = 0;
  #heartbeat: NodeJS.Timeout | undefined;
  /** When the heartbeat last extended the locks (ms). */
  #lastBeat = Date.now();
  #closing: Promise<void> | undefined;

  constructor(private readonly options: EmbeddedQueueOptions) {
    this.repo = new JobsRepo(options.store.db, options.store.engine);
    this.logger = options.logger ?? silentLogger();
    this.pollMs = options.pollMs ?? 1000;
    this.lockMs = options.lockMs ?? DEFAULT_QUEUE_LOCK_MS;
    this.backoff = options.backoff;
    this.keepCompletedMs = options.keepCompletedMs ?? 24 * 3600_000;
    this.#workerName = options.workerName ?? `${os.hostname()}:${process.pid}`;
  }

  /** A fresh lock token per claim: a job re-claimed later, even by this same process, has a different one. */
  newToken(): string {
    this.#seq += 1;
    return `${this.#workerName}:${randomBytes(4).toString('hex')}:${this.#seq}`;
  }

  async enqueue<T extends JobData>(
    queue: string,
    data: T,
    options: EnqueueOptions,
  ): Promise<{ id: string; created: boolean }> {
    this.assertOpen();
    const { jobId, delayMs = 0, attempts = DEFAULT_ATTEMPTS } = options;
    if (!jobId) throw new TypeError('enqueue: jobId is required');
    if (!Number.isInteger(attempts) || attempts < 1) throw new RangeError('enqueue: attempts must be an integer ≥ 1');
    const now = Date.now();
    const created = await this.repo.enqueue(
      { id: jobId, queue, payloadJson: JSON.stringify(data), maxAttempts: attempts, runAt: now + Math.max(0, delayMs) },
      now,
    );
    if (created && delayMs <= 0) this.#consumers.get(queue)?.sleeper.wake();
    return { id: jobId, created };
  }

  async process<T extends JobData>(queue: string, handler: JobHandler<T>, options: ProcessOptions<T>): Promise<void> {
    this.assertOpen();
    if (this.#consumers.has(queue)) throw new Error(`queue "${queue}" is already being processed by this instance`);
    if (!Number.isInteger(options.concurrency) || options.concurrency < 1) {
      throw new RangeError('process: concurrency must be an integer ≥ 1');
    }
    const consumer = new Consumer(
      this,
      queue,
      handler as JobHandler,
      options.concurrency,
      options.onGivenUp as ProcessOptions['onGivenUp'],
    );
    this.#consumers.set(queue, consumer);
    this.#heartbeat ??= setInterval(() => void this.beat(), Math.max(10, Math.floor(this.lockMs / 3)));
    consumer.start();
  }

  async depth(queue: string): Promise<QueueDepth> {
    const { waiting, active, delayed, failed } = await this.repo.counts(queue, Date.now());
    return { waiting, active, delayed, failed };
  }

  ping(): Promise<void> {
    return this.options.store.ping();
  }

  close(options: { timeoutMs?: number } = {}): Promise<void> {
    this.#closing ??= (async () => {
      const consumers = [...this.#consumers.values()];
      for (const consumer of consumers) consumer.stop();
      await Promise.all(consumers.map((c) => c.loopDone));
      const running = consumers.flatMap((c) => [...c.running]);
      // The heartbeat keeps running while the jobs wind down: their locks must not expire under them.
      await drainInFlight(
        running.map((r) => r.flight),
        options.timeoutMs ?? DEFAULT_CLOSE_TIMEOUT_MS,
      );
      clearInterval(this.#heartbeat);
    })();
    return this.#closing;
  }

  /**
   * A job in flight made durable progress: its used attempts (the lock expiries of crashed workers included) start
   * over at this one. One statement guarded by the lock token, like every change to a claimed job; false when the
   * lock was lost.
   */
  async resetAttempts(id: string, token: string): Promise<boolean> {
    const result = await this.options.store.db
      .updateTable('jobs')
      .set({ attempts: 1, updated_at: Date.now() })
      .where('id', '=', id)
      .where('locked_by', '=', token)
      .where('status', '=', 'active')
      .executeTakeFirst();
    return Number(result.numUpdatedRows) > 0;
  }

  /** Extends the locks of the jobs in flight; a job whose lock was taken over is told to stop (its signal aborts). */
  private async beat(): Promise<void> {
    const running = [...this.#consumers.values()].flatMap((c) => [...c.running]).filter((r) => !r.settled);
    if (running.length === 0) {
      this.#lastBeat = Date.now();
      return;
    }
    const now = Date.now();
    try {
      const held = await this.repo.extendLocks([...new Set(running.map((r) => r.token))], now + this.lockMs, now);
      for (const r of running) {
        if (held.has(r.job.id) || r.settled) continue;
        this.logger.warn({ jobId: r.job.id }, 'embedded queue: lost the lock of a running job; aborting it');
        r.flight.controller.abort(new Error('the job lock was lost (another worker took the job over)'));
      }
      this.#lastBeat = now;
    } catch (error) {
      this.logger.error({ err: error }, 'embedded queue: heartbeat failed');
      // the locks may have expired meanwhile: another worker may take these jobs, so they stop here
      if (Date.now() - this.#lastBeat >= this.lockMs) {
        for (const r of running) {
          if (r.settled) continue;
          this.logger.warn(
            { jobId: r.job.id },
            'embedded queue: the job lock could not be renewed in time; aborting it',
          );
          r.flight.controller.abort(new Error('the job lock could not be renewed (the store did not answer)'));
        }
      }
    }
  }

  private assertOpen(): void {
    if (this.#closing) throw new Error('the queue is closed');
  }
}

/** The embedded driver. The store stays open after `close()`: it belongs to the caller. */
export function createEmbeddedQueue(options: EmbeddedQueueOptions): JobQueue {
  return new EmbeddedQueue(options);
}
