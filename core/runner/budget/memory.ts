import type { BudgetPolicy, ConnectionBudget } from '../budget-port';
import { acquireLoop, assertPolicy, once, type BudgetOptions, type Decision, type TimedLease } from './shared';

/**
 * The per-connection budget of one process (the embedded mode: every worker is in this process). Per connection:
 * a sliding-window log of grant times (rate), a count of leases in flight (concurrency) and a pause deadline.
 * Decisions are synchronous, so they are atomic without locks.
 */

interface ConnectionState {
  /** Grant times within the current window, oldest first. */
  grants: number[];
  inFlight: number;
  pausedUntil: number;
  wakers: Set<() => void>;
}

export interface MemoryBudget extends ConnectionBudget {
  acquire(connectionId: string, policy: BudgetPolicy, signal?: AbortSignal): Promise<TimedLease>;
}

export function createMemoryBudget(options: BudgetOptions = {}): MemoryBudget {
  const margin = options.windowMarginMs ?? 0;
  const connections = new Map<string, ConnectionState>();
  let closed = false;

  const stateOf = (id: string): ConnectionState => {
    let state = connections.get(id);
    if (!state) {
      state = { grants: [], inFlight: 0, pausedUntil: 0, wakers: new Set() };
      connections.set(id, state);
    }
    return state;
  };

  const wakeAll = (state: ConnectionState) => {
    for (const wake of [...state.wakers]) wake();
  };

  const attempt = (state: ConnectionState, policy: BudgetPolicy): Decision => {
    const now = Date.now();
    if (state.pausedUntil > now) return { waitMs: state.pausedUntil - now, reason: 'paused' };
    if (state.inFlight >= policy.concurrency) return { waitMs: Number.POSITIVE_INFINITY, reason: 'concurrency' };
    const window = policy.intervalMs + margin;
    // A grant leaves the window once `window` ms have passed since it.
    while (state.grants.length > 0 && state.grants[0] <= now - window) state.grants.shift();
    if (state.grants.length >= policy.requests) {
      return { waitMs: state.grants[state.grants.length - policy.requests] + window - now, reason: 'rate' };
    }
    state.grants.push(now);
    state.inFlight += 1;
    return {
      granted: {
        grantedAt: now,
        release: once(async () => {
          state.inFlight -= 1;
          wakeAll(state);
        }),
      },
    };
  };

  return {
    async acquire(connectionId, policy, signal) {
      assertPolicy(policy);
      const state = stateOf(connectionId);
      return acquireLoop({
        attempt: () => attempt(state, policy),
        signal,
        wakers: state.wakers,
        isClosed: () => closed,
        // Only this process holds slots and every release wakes the waiters; the poll is a safety net.
        slotPollMs: 1000,
      });
    },

    async pause(connectionId, untilEpochMs) {
      const state = stateOf(connectionId);
      if (untilEpochMs > state.pausedUntil) state.pausedUntil = untilEpochMs;
    },

    async pausedUntil(connectionId) {
      const until = connections.get(connectionId)?.pausedUntil ?? 0;
      return until > Date.now() ? until : undefined;
    },

    async close() {
      closed = true;
      for (const state of connections.values()) wakeAll(state);
    },
  };
}
