import { SlidingWindowRateLimiter } from '../../../core/webhooks/rate-limit';

describe('SlidingWindowRateLimiter', () => {
  it('allows `limit` requests per window per key, then says how long to wait', () => {
    const limiter = new SlidingWindowRateLimiter({ limit: 3, windowMs: 1000 });
    for (let i = 0; i < 3; i++) expect(limiter.take('a', 10_000 + i)).toEqual({ allowed: true });
    const refused = limiter.take('a', 10_100);
    expect(refused.allowed).toBe(false);
    if (!refused.allowed) {
      expect(refused.retryAfterMs).toBeGreaterThan(0);
      expect(refused.retryAfterMs).toBeLessThanOrEqual(2000);
      // waiting as told is enough
      expect(limiter.take('a', 10_100 + refused.retryAfterMs).allowed).toBe(true);
    }
    expect(limiter.take('b', 10_100)).toEqual({ allowed: true });
  });

  it('slides: the previous window still counts, in proportion', () => {
    const limiter = new SlidingWindowRateLimiter({ limit: 4, windowMs: 1000 });
    for (let i = 0; i < 4; i++) limiter.take('k', 5_900);
    // 10% into the next window, 90% of the previous 4 still weigh: 3.6 + 1 > 4
    expect(limiter.take('k', 6_100).allowed).toBe(false);
    // 80% in: 0.8 + 1 <= 4
    expect(limiter.take('k', 6_800).allowed).toBe(true);
    // two windows later nothing is left
    for (let i = 0; i < 4; i++) expect(limiter.take('k', 9_000).allowed).toBe(true);
  });

  it('forgets the least recently used keys beyond maxKeys', () => {
    const limiter = new SlidingWindowRateLimiter({ limit: 1, windowMs: 60_000, maxKeys: 2 });
    limiter.take('x', 0);
    limiter.take('y', 0);
    expect(limiter.take('x', 1).allowed).toBe(false); // x becomes most recent
    limiter.take('z', 2); // evicts y
    expect(limiter.take('y', 3).allowed).toBe(true);
  });

  it('refuses nonsense options', () => {
    expect(() => new SlidingWindowRateLimiter({ limit: 0, windowMs: 1000 })).toThrow(RangeError);
  });
});
