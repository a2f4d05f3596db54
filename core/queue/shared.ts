import pino from 'pino';
import type { HubLogger } from '../logging/logger';
import type { JobResult } from './port';

/** Shared by the two drivers: defaults, backoff, the outcome of a handler call and a shutdown race. */

export const DEFAULT_ATTEMPTS = 5;
/** How long a claimed job stays locked without a heartbeat (HUB_QUEUE_LOCK_MS). */
export const DEFAULT_QUEUE_LOCK_MS = 30_000;
/** Prefix of the hub's Redis keys (HUB_QUEUE_PREFIX). */
export const DEFAULT_QUEUE_PREFIX = 'hub';
/** Below a typical orchestrator grace period (30 s), so handing jobs back still happens before a SIGKILL. */
export const DEFAULT_CLOSE_TIMEOUT_MS = 25_000;

export interface BackoffOptions {
  /** Delay before the second attempt; doubles with every further attempt. Default 1000. */
  baseMs?: number;
  /** Ceiling of one delay. Default 10 minutes. */
  maxMs?: number;
}

export function silentLogger(): HubLogger {
  return pino({ level: 'silent' });
}

/**
 * Exponential backoff with "equal jitter": half of the delay is fixed, half random, so workers that failed
 * together (a vendor outage) do not all retry in the same millisecond. `attempt` is the attempt that failed (1…).
 */
export function backoffDelay(attempt: number, options: BackoffOptions = {}): number {
  const base = options.baseMs ?? 1000;
  const max = options.maxMs ?? 600_000;
  const exponential = Math.min(max, base * 2 ** Math.max(0, attempt - 1));
  return Math.round(exponential / 2 + Math.random() * (exponential / 2));
}

export type Outcome =
  | { kind: 'done' }
  | { kind: 'reschedule'; delayMs: number }
  | { kind: 'error'; error: Error }
  /** The queue is closing and the handler did not return in time: the job goes back, unfinished. */
  | { kind: 'hand-back' };

export function toError(error: unknown): Error {
  return error instanceof Error ? error : new Error(String(error));
}

/** Reads what a handler returned; anything but nothing or a well-formed `{ reschedule }` is a failed attempt. */
export function outcomeOf(result: JobResult | unknown): Outcome {
  if (result === undefined || result === null) return { kind: 'done' };
  if (typeof result === 'object' && 'reschedule' in result) {
    const delayMs = (result as { reschedule?: { delayMs?: unknown } }).reschedule?.delayMs;
    if (typeof delayMs === 'number' && Number.isFinite(delayMs) && delayMs >= 0) {
      return { kind: 'reschedule', delayMs: Math.round(delayMs) };
    }
  }
  return { kind: 'error', error: new Error('job handler returned neither nothing nor { reschedule: { delayMs } }') };
}

/**
 * One job in flight on this process: its abort controller (close, lost lock) and a hand-back trigger that ends
 * the wait for its handler when close() times out. The handler may keep running; its result is then ignored.
 */
export class InFlight {
  readonly controller = new AbortController();
  #handBack!: () => void;
  readonly handedBack = new Promise<Outcome>((resolve) => {
    this.#handBack = () => resolve({ kind: 'hand-back' });
  });
  /** Settles when the job's outcome has been recorded (or handed back). */
  done: Promise<void> = Promise.resolve();

  handBack(): void {
    this.#handBack();
  }

  /** Runs the handler and resolves with its outcome, or with hand-back if that comes first. */
  run(handler: () => Promise<JobResult>): Promise<Outcome> {
    const outcome = Promise.resolve()
      .then(handler)
      .then(outcomeOf, (error: unknown) => ({ kind: 'error', error: toError(error) }) as Outcome);
    return Promise.race([outcome, this.handedBack]);
  }
}

/**
 * The shutdown sequence of both drivers for the jobs in flight: abort their signals, wait for them up to
 * `timeoutMs`, then hand back those still running and wait for that to be recorded.
 */
export async function drainInFlight(jobs: Iterable<InFlight>, timeoutMs: number): Promise<void> {
  const all = [...jobs];
  for (const job of all) job.controller.abort(new Error('the queue is shutting down'));
  let timer: NodeJS.Timeout | undefined;
  const timedOut = new Promise<true>((resolve) => {
    timer = setTimeout(() => resolve(true), Math.max(0, timeoutMs));
  });
  const finished = Promise.all(all.map((job) => job.done)).then(() => false as const);
  const late = await Promise.race([finished, timedOut]);
  clearTimeout(timer);
  if (late) {
    for (const job of all) job.handBack();
    await Promise.all(all.map((job) => job.done));
  }
}

/**
 * Resolves after `ms`, or at once when `wake` is called (a new job, a freed slot, close). A wake that comes while
 * nobody sleeps is remembered, so a job finishing during a claim is not missed for a whole poll interval.
 */
export class Sleeper {
  #wake: (() => void) | undefined;
  #pending = false;

  sleep(ms: number): Promise<void> {
    if (this.#pending) {
      this.#pending = false;
      return Promise.resolve();
    }
    return new Promise((resolve) => {
      const done = () => {
        clearTimeout(timer);
        this.#wake = undefined;
        resolve();
      };
      const timer = setTimeout(done, ms);
      this.#wake = done;
    });
  }

  wake(): void {
    if (this.#wake) this.#wake();
    else this.#pending = true;
  }
}
