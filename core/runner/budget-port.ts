/**
 * Per-connection rate budget, shared by every worker: in memory for the embedded mode, in Redis with BullMQ.
 * The runner calls `acquire` before every request to a connection and `release` after it; a 429 pauses the
 * connection (every worker honours the pause) without using up retry attempts.
 */
export interface BudgetPolicy {
  /** Requests allowed per interval. */
  requests: number;
  intervalMs: number;
  /** Requests in flight at once. */
  concurrency: number;
}

export interface BudgetLease {
  release(): Promise<void>;
}

export interface ConnectionBudget {
  /** Waits until the connection is not paused, has budget left in the interval and a free concurrency slot. */
  acquire(connectionId: string, policy: BudgetPolicy, signal?: AbortSignal): Promise<BudgetLease>;
  /** Pauses the connection until `untilEpochMs` (never shortens an existing pause). */
  pause(connectionId: string, untilEpochMs: number, reason: string): Promise<void>;
  pausedUntil(connectionId: string): Promise<number | undefined>;
  close(): Promise<void>;
}
