import type { BudgetLease, BudgetPolicy } from '../budget-port';

/**
 * What the memory and Redis budgets share: the acquire loop, abortable waits and policy checks.
 *
 * The rate limit is a sliding-window log, not a fixed window: a fixed window lets up to twice the budget through
 * around a window boundary (N at the end of one window, N at the start of the next), which is exactly what a
 * vendor's own sliding limit answers with 429s. Each request is logged from its grant until one interval after its
 * response (in flight, it counts all along), so no `intervalMs` span ever holds more than `requests` grants, and
 * none holds more than `requests` arrivals at the vendor either: a vendor stamps a request when it arrives, which
 * is at or before its response, whatever the latency.
 */

export interface BudgetOptions {
  /**
   * Added to every interval, for a vendor whose window is longer than it states (clock granularity). The request's
   * own latency needs no margin: a request counts from its response. Default 0.
   */
  windowMarginMs?: number;
  /**
   * The clock of the memory budget (tests inject one to check computed waits without timing anything). The Redis
   * budget always uses the Redis server's clock, so workers on machines with drifting clocks agree.
   */
  now?: () => number;
}

/** A lease also says when it was granted (budget clock: local, or the Redis server's), for tests and tracing. */
export interface TimedLease extends BudgetLease {
  readonly grantedAt: number;
}

/** What one attempt to acquire decided: granted, or how long to wait (and why, for the wait strategy). */
export type Decision =
  { granted: TimedLease } | { granted?: undefined; waitMs: number; reason: 'paused' | 'concurrency' | 'rate' };

export function assertPolicy(policy: BudgetPolicy): void {
  const ok = (n: number) => Number.isFinite(n) && n >= 1;
  if (!ok(policy.requests) || !Number.isInteger(policy.requests)) {
    throw new RangeError(`budget policy: requests must be an integer ≥ 1 (got ${policy.requests})`);
  }
  if (!ok(policy.intervalMs)) throw new RangeError(`budget policy: intervalMs must be ≥ 1 (got ${policy.intervalMs})`);
  if (!ok(policy.concurrency) || !Number.isInteger(policy.concurrency)) {
    throw new RangeError(`budget policy: concurrency must be an integer ≥ 1 (got ${policy.concurrency})`);
  }
}

export class BudgetClosedError extends Error {
  constructor() {
    super('the connection budget is closed');
    this.name = 'BudgetClosedError';
  }
}

function abortReason(signal: AbortSignal): unknown {
  return signal.reason ?? new DOMException('the operation was aborted', 'AbortError');
}

/**
 * Waits `ms`, or less when woken (a lease released on this process, close), rejecting at once with the signal's
 * reason when it aborts.
 */
export function wait(ms: number, signal: AbortSignal | undefined, wakers: Set<() => void>): Promise<void> {
  return new Promise((resolve, reject) => {
    const cleanup = () => {
      clearTimeout(timer);
      wakers.delete(done);
      signal?.removeEventListener('abort', onAbort);
    };
    const done = () => {
      cleanup();
      resolve();
    };
    const onAbort = () => {
      cleanup();
      reject(abortReason(signal as AbortSignal));
    };
    const timer = setTimeout(done, Math.max(0, ms));
    wakers.add(done);
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}

export interface AcquireLoopOptions {
  attempt: () => Promise<Decision> | Decision;
  signal?: AbortSignal;
  /** Wakers of the connection (a released lease wakes the waiters). */
  wakers: Set<() => void>;
  isClosed: () => boolean;
  /** Longest single wait for a concurrency slot (a slot freed elsewhere is only seen by asking again). */
  slotPollMs: number;
}

export async function acquireLoop(options: AcquireLoopOptions): Promise<TimedLease> {
  const { signal, wakers } = options;
  for (;;) {
    if (signal?.aborted) throw abortReason(signal);
    if (options.isClosed()) throw new BudgetClosedError();
    const decision = await options.attempt();
    if (decision.granted) {
      // Aborted while the attempt was on its way: give the lease straight back rather than leak it.
      if (signal?.aborted) {
        await decision.granted.release();
        throw abortReason(signal);
      }
      return decision.granted;
    }
    let ms = Math.max(1, Math.ceil(decision.waitMs));
    // Slots held elsewhere free up unannounced: poll, with jitter so waiting workers do not ask in lockstep.
    if (decision.reason === 'concurrency') ms = Math.min(ms, options.slotPollMs) * (0.75 + Math.random() / 2);
    await wait(ms, signal, wakers);
  }
}

/** Calls `fn` once; later calls resolve at once (release twice is harmless). */
export function once(fn: () => Promise<void>): () => Promise<void> {
  let result: Promise<void> | undefined;
  return () => (result ??= fn());
}
