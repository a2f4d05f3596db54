import { randomBytes } from 'node:crypto';
import { DelayedError, Queue, WaitingError, Worker, type Job } from 'bullmq';
import { Redis } from 'ioredis';
import type { HubLogger } from '../logging/logger';
import type { EnqueueOptions, JobData, JobHandler, JobQueue, ProcessOptions, QueueDepth, QueueJob } from './port';
import {
  DEFAULT_ATTEMPTS,
  DEFAULT_CLOSE_TIMEOUT_MS,
  DEFAULT_QUEUE_LOCK_MS,
  DEFAULT_QUEUE_PREFIX,
  InFlight,
  drainInFlight,
  silentLogger,
  toError,
} from './shared';
import { RedisHealth, redactRedisUrl } from './redis-health';

/**
 * The BullMQ driver: one BullMQ Queue (producer) and, when processed, one Worker per queue name, on Redis — for
 * many worker processes on many machines. Finished jobs are removed (failed ones after `keepFailedSeconds`), so a
 * job id can be enqueued again once its previous job is done; a failed job still kept is replaced on re-enqueue.
 * A worker that dies loses its job lock; BullMQ's stalled-job check in any live worker puts the job back.
 */

export interface BullmqQueueOptions {
  redisUrl: string;
  /** Prefix of every Redis key (BullMQ's `prefix`). Default 'hub'. */
  prefix?: string;
  logger?: HubLogger;
  /** BullMQ `lockDuration`: how long a job stays locked without renewal (renewed every half). Default 30000. */
  lockMs?: number;
  /** BullMQ `stalledInterval`: how often workers look for jobs whose lock expired. Default half of `lockMs`. */
  stalledIntervalMs?: number;
  /**
   * BullMQ `maxStalledCount`: how many times a job may be recovered from a dead worker before it is failed (a
   * poison job that kills its worker must not kill them all). Default 2.
   */
  maxStalledCount?: number;
  /** Delay before the second attempt; doubles with every further attempt, with 50 % jitter. Default 1000. */
  backoffBaseMs?: number;
  /** How long a failed job stays in Redis for inspection. Default 7 days. */
  keepFailedSeconds?: number;
  /** Reports Redis outages once (shared with the engine's other Redis connections). Default: the queue's own. */
  health?: RedisHealth;
}

/**
 * BullMQ refuses custom job ids that contain ':' or read as an integer. Job ids are opaque to the port (e.g.
 * 'run:flow_1' or '42'), so they are escaped reversibly: '%' → '%25', ':' → '%3A', integers get a '%i' prefix.
 */
export function toBullJobId(id: string): string {
  const escaped = id.replace(/[%:]/g, (c) => (c === '%' ? '%25' : '%3A'));
  return `${Number.parseInt(escaped, 10)}` === escaped ? `%i${escaped}` : escaped;
}

export function fromBullJobId(id: string): string {
  const body = id.startsWith('%i') ? id.slice(2) : id;
  return body.replace(/%(25|3A)/g, (_, code: string) => (code === '25' ? '%' : ':'));
}

function assertQueueName(queue: string): void {
  if (!queue || queue.includes(':')) throw new Error(`invalid queue name "${queue}": it must be non-empty without ':'`);
}

class BullmqQueue implements JobQueue {
  readonly driver = 'bullmq' as const;
  readonly #logger: HubLogger;
  readonly #prefix: string;
  readonly #lockMs: number;
  /** Shared by every producer Queue; workers open their own connections (they block on Redis). */
  readonly #client: Redis;
  readonly #queues = new Map<string, Queue<JobData>>();
  readonly #workers = new Map<string, Worker<JobData, void>>();
  readonly #inFlight = new Set<InFlight>();
  readonly #health: RedisHealth;
  #closing: Promise<void> | undefined;

  constructor(private readonly options: BullmqQueueOptions) {
    this.#logger = options.logger ?? silentLogger();
    this.#prefix = options.prefix ?? DEFAULT_QUEUE_PREFIX;
    this.#lockMs = options.lockMs ?? DEFAULT_QUEUE_LOCK_MS;
    this.#health = options.health ?? new RedisHealth(this.#logger, redactRedisUrl(options.redisUrl));
    this.#client = new Redis(options.redisUrl, { lazyConnect: false });
    this.#client.on('error', (error) => this.#health.error(error, 'bullmq queue: Redis connection error'));
    this.#client.on('ready', () => this.#health.ready());
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
    const producer = this.producer(queue);
    const bullId = toBullJobId(jobId);
    // BullMQ ignores an add whose job id exists and says nothing; a one-off job name tells whether ours was stored.
    for (let tries = 0; tries < 3; tries += 1) {
      const name = `j${randomBytes(8).toString('hex')}`;
      await producer.add(name, data, {
        jobId: bullId,
        delay: Math.max(0, delayMs),
        attempts,
        backoff: { type: 'exponential', delay: this.options.backoffBaseMs ?? 1000, jitter: 0.5 },
        removeOnComplete: true,
        removeOnFail: { age: this.options.keepFailedSeconds ?? 7 * 24 * 3600 },
      });
      const stored = await producer.getJob(bullId);
      // Absent: ours ran and was removed already.
      if (stored === undefined || stored.name === name) return { id: jobId, created: true };
      const state = await stored.getState();
      if (state !== 'completed' && state !== 'failed') return { id: jobId, created: false };
      // A finished job still kept (failed, for inspection) holds the id: replace it, as the embedded driver does.
      await stored.remove().catch((error: unknown) => {
        this.#logger.debug({ err: error, jobId }, 'bullmq queue: could not remove a finished job; retrying');
      });
    }
    return { id: jobId, created: false };
  }

  async process<T extends JobData>(queue: string, handler: JobHandler<T>, options: ProcessOptions<T>): Promise<void> {
    this.assertOpen();
    assertQueueName(queue);
    if (this.#workers.has(queue)) throw new Error(`queue "${queue}" is already being processed by this instance`);
    if (!Number.isInteger(options.concurrency) || options.concurrency < 1) {
      throw new RangeError('process: concurrency must be an integer ≥ 1');
    }
    const worker = new Worker<JobData, void>(
      queue,
      (job, token) => this.run(queue, handler as JobHandler, job, token ?? job.token),
      {
        connection: { url: this.options.redisUrl, maxRetriesPerRequest: null },
        prefix: this.#prefix,
        concurrency: options.concurrency,
        lockDuration: this.#lockMs,
        stalledInterval: this.options.stalledIntervalMs ?? Math.max(100, Math.floor(this.#lockMs / 2)),
        maxStalledCount: this.options.maxStalledCount ?? 2,
      },
    );
    worker.on('error', (error) => {
      // told by the lockRenewalFailed line below
      if (/^could not renew lock for job/.test(error.message)) return;
      if (/^Missing lock for job/.test(error.message)) {
        // a job finished (or handed back) after its lock was lost: whoever holds it now decides its fate
        this.#logger.warn(
          { queue, reason: error.message },
          'bullmq queue: the job lock was lost; outcome left to its new holder',
        );
        return;
      }
      this.#health.error(error, 'bullmq queue: worker error', { queue });
    });
    // The queue lock says who should pick a job up; whether the job's work may go on is the handler's to decide (a
    // run checks its lease in the store: it keeps working while it owns the run, and stops at once when it does not)
    const lostLocks = new Set<string>();
    worker.on('lockRenewalFailed', (jobIds) => {
      for (const id of jobIds) {
        if (lostLocks.has(id)) continue;
        lostLocks.add(id);
        if (lostLocks.size > 1000) lostLocks.clear();
        this.#logger.warn(
          { jobId: fromBullJobId(id), queue },
          'bullmq queue: lost the lock of a running job (Redis was unreachable, or the worker stalled); another worker may take it',
        );
      }
    });
    worker.on('failed', (job, error) => {
      // finishedOn is set only when the job moved to failed (not retried); a job recovered from dead workers too
      // often ("stalled more than allowable limit") fails with attempts left
      const final = job !== undefined && typeof job.finishedOn === 'number';
      const jobId = job?.id === undefined ? undefined : fromBullJobId(job.id);
      this.#logger.warn(
        { jobId, queue, attempt: job?.attemptsMade, final },
        `${final ? 'job failed for good' : 'job failed; will retry'}: ${error.message}`,
      );
      if (final && jobId !== undefined && options.onGivenUp !== undefined) {
        options.onGivenUp({ id: jobId, queue, data: job.data as T, reason: error.message }).catch((err: unknown) => {
          this.#logger.error({ err, jobId }, 'bullmq queue: the given-up handler failed');
        });
      }
    });
    this.#workers.set(queue, worker);
    await worker.waitUntilReady();
  }

  async depth(queue: string): Promise<QueueDepth> {
    const c = await this.producer(queue).getJobCounts('waiting', 'prioritized', 'active', 'delayed', 'failed');
    return {
      waiting: (c.waiting ?? 0) + (c.prioritized ?? 0),
      active: c.active ?? 0,
      delayed: c.delayed ?? 0,
      failed: c.failed ?? 0,
    };
  }

  async ping(): Promise<void> {
    await this.#client.ping();
  }

  close(options: { timeoutMs?: number } = {}): Promise<void> {
    this.#closing ??= (async () => {
      // worker.close() first: it stops fetching at once, then waits for the jobs in flight to finish.
      const workersClosed = Promise.all(
        [...this.#workers.values()].map((w) =>
          w.close().catch((error: unknown) => this.#logger.error({ err: error }, 'bullmq queue: worker close failed')),
        ),
      );
      await drainInFlight(this.#inFlight, options.timeoutMs ?? DEFAULT_CLOSE_TIMEOUT_MS);
      await workersClosed;
      await Promise.all([...this.#queues.values()].map((q) => q.close().catch(() => undefined)));
      await this.#client.quit().catch(() => this.#client.disconnect());
    })();
    return this.#closing;
  }

  /** The BullMQ processor: maps the handler's outcome to BullMQ's ways of finishing, delaying or releasing a job. */
  private async run(queue: string, handler: JobHandler, job: Job<JobData, void>, token: string | undefined) {
    if (this.#closing) {
      // Fetched while closing: put it back untouched (no attempt used) for the next worker.
      await job.moveToWait(token);
      throw new WaitingError();
    }
    const flight = new InFlight();
    let settle!: () => void;
    flight.done = new Promise((resolve) => (settle = resolve));
    this.#inFlight.add(flight);
    try {
      const queueJob: QueueJob = {
        id: fromBullJobId(job.id ?? ''),
        queue,
        data: job.data,
        attempt: job.attemptsMade + 1,
        signal: flight.controller.signal,
        progressed: async () => {
          if (job.attemptsMade === 0 && job.stalledCounter === 0) return;
          // BullMQ has no call for it: its counters are the job hash's `atm` (attempts made: the retry decision
          // reads the Job's copy) and `stc` (recoveries from dead workers, checked against maxStalledCount).
          await this.#client.hset(`${this.#prefix}:${queue}:${job.id}`, 'atm', 0, 'stc', 0);
          job.attemptsMade = 0;
          job.stalledCounter = 0;
          queueJob.attempt = 1;
        },
        held: async () => {
          if (token === undefined) return true;
          try {
            return Number(await job.extendLock(token, this.#lockMs)) === 1;
          } catch (error) {
            this.#health.error(toError(error), 'bullmq queue: could not check a job lock');
            return false;
          }
        },
      };
      const outcome = await flight.run(() => handler(queueJob));
      switch (outcome.kind) {
        case 'done':
          return;
        case 'error':
          throw outcome.error;
        case 'reschedule':
          // skipAttempt: moveToDelayed does not count an attempt; DelayedError tells the worker the job moved.
          await job.moveToDelayed(Date.now() + outcome.delayMs, token);
          throw new DelayedError();
        case 'hand-back':
          await job.moveToWait(token);
          throw new WaitingError();
      }
    } finally {
      this.#inFlight.delete(flight);
      settle();
    }
  }

  private producer(queue: string): Queue<JobData> {
    assertQueueName(queue);
    let producer = this.#queues.get(queue);
    if (!producer) {
      producer = new Queue<JobData>(queue, { connection: this.#client, prefix: this.#prefix });
      producer.on('error', (error) => this.#health.error(error, 'bullmq queue: queue error', { queue }));
      this.#queues.set(queue, producer);
    }
    return producer;
  }

  private assertOpen(): void {
    if (this.#closing) throw new Error('the queue is closed');
  }
}

/** The BullMQ driver. Job payloads are the `JobData` references only. */
export function createBullmqQueue(options: BullmqQueueOptions): JobQueue {
  return new BullmqQueue(options);
}
