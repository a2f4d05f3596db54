/**
 * Per-connection rate budget, shared by every worker: in memory for the embedded mode, in Redis with BullMQ.
 * The runner calls `acquire` before every request to a connection and `release` after it; a 429 pauses the
 * connection (every worker honours the pause) without using up retry attempts.
 *
 * A budget is kept per key: a connection's main budget is keyed by its id, each of its lanes (a per-endpoint
 * limit beside the main one, e.g. HubSpot search's 5/s) by `laneKey(id, lane)`. Keys are independent: a lane's
 * requests and pauses do not touch the main budget, nor the other way round.
 *
 * A request counts in the window from its response, not from its grant: a vendor stamps a request when it arrives,
 * somewhere between the two, so counting from the response keeps every window edge on the safe side however long
 * the request took (a measured margin: the request's own duration). Until it is answered, it counts as in flight.
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
  /** Waits until the key is not paused, has budget left in the interval and a free concurrency slot. */
  acquire(key: string, policy: BudgetPolicy, signal?: AbortSignal): Promise<BudgetLease>;
  /** Pauses the key until `untilEpochMs` (never shortens an existing pause). */
  pause(key: string, untilEpochMs: number, reason: string): Promise<void>;
  pausedUntil(key: string): Promise<number | undefined>;
  /**
   * The real remainder of the key's window, for a 429 that states no wait: ms until the oldest answered request
   * still counted leaves the window (the vendor, counting on arrival, has let it go by then at the latest). The
   * whole interval when no answered request is counted. Never more than the interval (plus the budget's margin).
   */
  windowRemainder(key: string, policy: BudgetPolicy): Promise<number>;
  close(): Promise<void>;
}

/** The budget key of a connection's lane (`lane` undefined: its main budget, keyed by the connection id). */
export function laneKey(connectionId: string, lane?: string): string {
  return lane === undefined ? connectionId : `${connectionId}#${lane}`;
}
