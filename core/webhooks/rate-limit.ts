/**
 * A small in-memory sliding-window rate limiter (the "sliding window counter": the previous fixed window's count,
 * weighted by how much of it still overlaps the sliding window, plus the current window's count). O(1) memory
 * per key; keys are bounded (least recently used evicted first) so random keys cannot grow it without limit.
 * Per process: behind several hub processes each enforces its own share.
 */
export interface RateLimitOptions {
  /** Requests allowed per window and key. */
  limit: number;
  windowMs: number;
  /** Keys remembered at most; default 10,000. */
  maxKeys?: number;
}

export type RateDecision = { allowed: true } | { allowed: false; retryAfterMs: number };

interface Window {
  start: number;
  current: number;
  previous: number;
}

const ALLOWED: RateDecision = Object.freeze({ allowed: true });

export class SlidingWindowRateLimiter {
  private readonly windows = new Map<string, Window>();
  private readonly maxKeys: number;
  /** The key used last, already the most recent in `windows` (a burst for one key skips re-inserting it). */
  private lastKey: string | undefined;

  constructor(private readonly options: RateLimitOptions) {
    if (!(options.limit > 0) || !(options.windowMs > 0)) throw new RangeError('limit and windowMs must be positive');
    this.maxKeys = options.maxKeys ?? 10_000;
  }

  /** Counts one request for `key` when allowed; a refused request is not counted. */
  take(key: string, now: number = Date.now()): RateDecision {
    const { limit, windowMs } = this.options;
    const window = this.advance(key, now);
    const elapsed = now - window.start;
    const weight = 1 - elapsed / windowMs;
    if (window.previous * weight + window.current + 1 <= limit) {
      window.current += 1;
      return ALLOWED;
    }
    return { allowed: false, retryAfterMs: this.waitFor(window, elapsed) };
  }

  private advance(key: string, now: number): Window {
    const { windowMs } = this.options;
    let window = this.windows.get(key);
    if (window === undefined) {
      window = { start: now - (now % windowMs), current: 0, previous: 0 };
      if (this.windows.size >= this.maxKeys) this.windows.delete(this.windows.keys().next().value as string);
      this.windows.set(key, window);
    } else if (key !== this.lastKey) {
      this.windows.delete(key);
      this.windows.set(key, window); // re-inserted: the Map's order is least recently used first
    }
    this.lastKey = key;
    const passed = Math.floor((now - window.start) / windowMs);
    if (passed >= 1) {
      window.previous = passed === 1 ? window.current : 0;
      window.current = 0;
      window.start += passed * windowMs;
    }
    return window;
  }

  /** How long until one more request fits, assuming none arrives meanwhile. */
  private waitFor(window: Window, elapsed: number): number {
    const { limit, windowMs } = this.options;
    const room = limit - 1 - window.current;
    if (room >= 0 && window.previous > 0) {
      // within this window: previous * (1 - t / windowMs) <= room
      const at = windowMs * (1 - room / window.previous);
      if (at > elapsed) return Math.ceil(at - elapsed);
    }
    // in the next window the current count becomes the weighted one: current * (1 - t / windowMs) <= limit - 1
    const next = window.current > 0 ? windowMs * Math.max(0, 1 - (limit - 1) / window.current) : 0;
    return Math.max(1, Math.ceil(windowMs - elapsed + next));
  }
}
