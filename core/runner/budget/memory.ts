import type { BudgetPolicy, ConnectionBudget } from '../budget-port';
import { acquireLoop, assertPolicy, once, type BudgetOptions, type Decision, type TimedLease } from './shared';

/**
 * The per-key budget of one process (the embedded mode: every worker is in this process). Per key: the response
 * times of answered requests within the window (rate), the requests in flight (they count too, and concurrency)
 * and a pause deadline. Decisions are synchronous, so they are atomic without locks.
 */

interface KeyState {
  /** Response times of answered requests still in the window, oldest first. */
  answered: number[];
  inFlight: number;
  pausedUntil: number;
  wakers: Set<() => void>;
}

export interface MemoryBudget extends ConnectionBudget {
  acquire(key: string, policy: BudgetPolicy, signal?: AbortSignal): Promise<TimedLease>;
}

export function createMemoryBudget(options: BudgetOptions = {}): MemoryBudget {
  const margin = options.windowMarginMs ?? 0;
  const clock = options.now ?? Date.now;
  const keys = new Map<string, KeyState>();
  let closed = false;

  const stateOf = (key: string): KeyState => {
    let state = keys.get(key);
    if (!state) {
      state = { answered: [], inFlight: 0, pausedUntil: 0, wakers: new Set() };
      keys.set(key, state);
    }
    return state;
  };

  const wakeAll = (state: KeyState) => {
    for (const wake of [...state.wakers]) wake();
  };

  /** Drops the answers that left the window; a request leaves it `window` ms after its response. */
  const prune = (state: KeyState, window: number, now: number) => {
    let drop = 0;
    while (drop < state.answered.length && state.answered[drop]! <= now - window) drop += 1;
    if (drop > 0) state.answered.splice(0, drop);
  };

  const attempt = (state: KeyState, policy: BudgetPolicy): Decision => {
    const now = clock();
    if (state.pausedUntil > now) return { waitMs: state.pausedUntil - now, reason: 'paused' };
    if (state.inFlight >= policy.concurrency) return { waitMs: Number.POSITIVE_INFINITY, reason: 'concurrency' };
    const window = policy.intervalMs + margin;
    prune(state, window, now);
    const counted = state.answered.length + state.inFlight;
    if (counted >= policy.requests) {
      // the (counted - requests + 1)th answer to leave frees the slot; if that one is still in flight, a release
      // wakes us (it then counts for a whole window from its response)
      const index = counted - policy.requests;
      if (index >= state.answered.length) return { waitMs: Number.POSITIVE_INFINITY, reason: 'concurrency' };
      return { waitMs: state.answered[index]! + window - now, reason: 'rate' };
    }
    state.inFlight += 1;
    return {
      granted: {
        grantedAt: now,
        release: once(async () => {
          state.inFlight -= 1;
          // answers arrive in clock order, so the list stays sorted
          const at = clock();
          const list = state.answered;
          let i = list.length;
          while (i > 0 && list[i - 1]! > at) i -= 1;
          list.splice(i, 0, at);
          wakeAll(state);
        }),
      },
    };
  };

  return {
    async acquire(key, policy, signal) {
      assertPolicy(policy);
      const state = stateOf(key);
      return acquireLoop({
        attempt: () => attempt(state, policy),
        signal,
        wakers: state.wakers,
        isClosed: () => closed,
        // Only this process holds slots and every release wakes the waiters; the poll is a safety net.
        slotPollMs: 1000,
      });
    },

    async pause(key, untilEpochMs) {
      const state = stateOf(key);
      if (untilEpochMs > state.pausedUntil) state.pausedUntil = untilEpochMs;
    },

    async pausedUntil(key) {
      const until = keys.get(key)?.pausedUntil ?? 0;
      return until > clock() ? until : undefined;
    },

    async windowRemainder(key, policy) {
      const window = policy.intervalMs + margin;
      const state = keys.get(key);
      if (!state) return window;
      const now = clock();
      prune(state, window, now);
      const oldest = state.answered[0];
      return oldest === undefined ? window : Math.max(0, oldest + window - now);
    },

    async close() {
      closed = true;
      for (const state of keys.values()) wakeAll(state);
    },
  };
}
