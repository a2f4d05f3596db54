/**
 * The queue port: what the runner needs from a job queue, with two drivers behind it —
 * embedded (durable jobs in the store; no Redis) and BullMQ on Redis (many workers on many machines).
 * Job payloads carry references (run id, flow id), never records or secrets.
 */

/** JSON-serialisable job payload made of references only. */
export type JobData = Record<string, string | number | boolean | null>;

export interface EnqueueOptions {
  /**
   * Idempotency: enqueueing a job id that is already waiting or active does nothing. Make ids unique across queues
   * (e.g. 'run:<runId>'): the embedded driver keys jobs by id alone. Any string works (BullMQ's ':' and integer
   * restrictions are escaped by its driver).
   */
  jobId: string;
  delayMs?: number;
  /** Attempts before the job is marked failed (a crash or a thrown error uses one). Default 5. */
  attempts?: number;
}

export interface QueueJob<T extends JobData = JobData> {
  id: string;
  queue: string;
  data: T;
  /** 1 on the first attempt. */
  attempt: number;
  /** Aborted when the worker shuts down: finish the current step, then return `{ reschedule }`. */
  signal: AbortSignal;
  /**
   * Tells the queue the job made durable progress (e.g. a long job saved a checkpoint it will resume from): the
   * attempts it used so far, crashes of its workers included, start over, and `attempt` is 1 again. A resumable
   * job that keeps advancing is then not taken for a poison job that kills its worker (which, crashing before it
   * progresses, still runs out of attempts). Cheap, but meant to be called once per attempt, not per step.
   */
  progressed?(): Promise<void>;
  /**
   * Whether this worker still holds the job's lock (it may have lost it while stalled between dequeuing and
   * starting the job: another worker then has the job). Also extends the lock. A job no longer held must not start.
   */
  held?(): Promise<boolean>;
}

/** What a handler returns: nothing when done, or a request to continue the same job later. */
export type JobResult = void | { reschedule: { delayMs: number } };

export type JobHandler<T extends JobData = JobData> = (job: QueueJob<T>) => Promise<JobResult>;

/** A job the queue failed for good: its attempts ran out (crashes of its workers count as attempts). */
export interface GivenUpJob<T extends JobData = JobData> {
  id: string;
  queue: string;
  data: T;
  reason: string;
}

export interface ProcessOptions<T extends JobData = JobData> {
  concurrency: number;
  /**
   * Called (on the worker that decided it) when the queue fails a job for good. Its handler may never have had a
   * say: a job whose workers all died is failed without being run again, so whatever the job stood for (a run
   * record) is told here that it will not be finished. Errors it throws are logged.
   */
  onGivenUp?: (job: GivenUpJob<T>) => Promise<void>;
}

export interface QueueDepth {
  waiting: number;
  active: number;
  delayed: number;
  failed: number;
}

export interface JobQueue {
  readonly driver: 'embedded' | 'bullmq';
  /** Resolves to created=false when a job with that id already exists (waiting, delayed or active). */
  enqueue<T extends JobData>(
    queue: string,
    data: T,
    options: EnqueueOptions,
  ): Promise<{ id: string; created: boolean }>;
  /** Starts consuming `queue` with the handler. A thrown error retries the job with backoff, up to its attempts. */
  process<T extends JobData>(queue: string, handler: JobHandler<T>, options: ProcessOptions<T>): Promise<void>;
  depth(queue: string): Promise<QueueDepth>;
  /** For /readyz. */
  ping(): Promise<void>;
  /**
   * Graceful shutdown: stop taking jobs, abort the signal of the jobs in flight, wait for them to return
   * (finished or rescheduled) up to `timeoutMs`; a job still running after that is handed back (it will be
   * taken again, by this or another worker). Nothing is lost.
   */
  close(options?: { timeoutMs?: number }): Promise<void>;
}
