import type { BudgetPolicy } from '../../../../core/runner/budget-port';
import { createBudget } from '../../../../core/runner/budget';
import { createMemoryBudget } from '../../../../core/runner/budget/memory';
import { createRedisBudget, type RedisBudget } from '../../../../core/runner/budget/redis';
import type { TimedLease } from '../../../../core/runner/budget/shared';
import { createTestRedis, redisUrl, type TestRedis } from '../../../helpers/redis';

/**
 * The budget contract, on memory and on Redis. "Two workers" are two budget instances: the same one in memory
 * (the embedded mode has one process), two on Redis sharing a prefix. Assertions are properties of the grants
 * (how many fall in any window, how many are held at once, none before a pause ends), never durations.
 */

type Instance = { acquire(id: string, policy: BudgetPolicy, signal?: AbortSignal): Promise<TimedLease> } & Omit<
  RedisBudget,
  'acquire'
>;

interface BudgetTarget {
  name: string;
  /** Two instances sharing state (two workers). */
  setup(): Promise<{ a: Instance; b: Instance; cleanup(): Promise<void> }>;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** The largest number of grants inside any span of `windowMs` (each grant opens a candidate span). */
function maxInWindow(times: number[], windowMs: number): number {
  const sorted = [...times].sort((x, y) => x - y);
  let max = 0;
  for (let i = 0; i < sorted.length; i += 1) {
    let n = 0;
    for (let j = i; j < sorted.length && sorted[j] < sorted[i] + windowMs; j += 1) n += 1;
    max = Math.max(max, n);
  }
  return max;
}

const targets: BudgetTarget[] = [
  {
    name: 'memory',
    async setup() {
      const budget = createMemoryBudget();
      return { a: budget, b: budget, cleanup: () => budget.close() };
    },
  },
];
if (redisUrl) {
  targets.push({
    name: 'redis',
    async setup() {
      const r = await createTestRedis();
      const a = createRedisBudget({ redisUrl: r.url, prefix: r.prefix, leaseMs: 300, slotPollMs: 10 });
      const b = createRedisBudget({ redisUrl: r.url, prefix: r.prefix, leaseMs: 300, slotPollMs: 10 });
      return {
        a,
        b,
        cleanup: async () => {
          await Promise.all([a.close(), b.close()]);
          await r.cleanup();
        },
      };
    },
  });
}

describe.each(targets)('connection budget ($name)', (target) => {
  let a: Instance;
  let b: Instance;
  let cleanup: () => Promise<void>;
  let seq = 0;
  const conn = () => `conn_${++seq}`;

  beforeAll(async () => {
    ({ a, b, cleanup } = await target.setup());
  });
  afterAll(async () => {
    await cleanup();
  });

  it('never grants more than `requests` in any interval, across two workers', async () => {
    const id = conn();
    const policy = { requests: 5, intervalMs: 300, concurrency: 100 };
    const grants = await Promise.all(
      Array.from({ length: 12 }, async (_, i) => {
        const lease = await (i % 2 ? a : b).acquire(id, policy);
        await lease.release();
        return lease.grantedAt;
      }),
    );
    expect(grants).toHaveLength(12);
    expect(maxInWindow(grants, 300)).toBe(5);
  });

  it('holds the limit over any span, not per fixed window (no double burst at a window boundary)', async () => {
    const id = conn();
    const policy = { requests: 5, intervalMs: 300, concurrency: 100 };
    const take = async () => {
      const lease = await a.acquire(id, policy);
      await lease.release();
      return lease.grantedAt;
    };
    const grants = [await take()];
    await sleep(200); // late in the first window…
    grants.push(...(await Promise.all([take(), take(), take(), take()])));
    // …then a burst that a fixed window would let through right after the boundary.
    grants.push(...(await Promise.all(Array.from({ length: 6 }, take))));
    expect(maxInWindow(grants, 300)).toBeLessThanOrEqual(5);
  });

  it('never holds more than `concurrency` leases at once, across two workers', async () => {
    const id = conn();
    const policy = { requests: 1000, intervalMs: 1000, concurrency: 3 };
    let inFlight = 0;
    let max = 0;
    let done = 0;
    await Promise.all(
      Array.from({ length: 16 }, async (_, i) => {
        const lease = await (i % 2 ? a : b).acquire(id, policy);
        inFlight += 1;
        max = Math.max(max, inFlight);
        await sleep(5 + (i % 4) * 5);
        inFlight -= 1;
        await lease.release();
        done += 1;
      }),
    );
    expect(done).toBe(16);
    expect(max).toBeLessThanOrEqual(3);
    expect(max).toBeGreaterThan(0);
  });

  it('honours a pause set by the other worker, and never shortens a pause', async () => {
    const id = conn();
    const policy = { requests: 10, intervalMs: 1000, concurrency: 2 };
    const until = Date.now() + 250;
    await a.pause(id, until, '429 Retry-After');
    await a.pause(id, until - 200, 'an earlier Retry-After');
    expect(await b.pausedUntil(id)).toBe(until);
    expect(await b.pausedUntil(conn())).toBeUndefined();
    const lease = await b.acquire(id, policy);
    expect(Date.now()).toBeGreaterThanOrEqual(until);
    expect(lease.grantedAt).toBeGreaterThanOrEqual(until);
    await lease.release();
    expect(await a.pausedUntil(id)).toBeUndefined();
  });

  it('gives up waiting when the signal aborts, without leaking a slot', async () => {
    const id = conn();
    const policy = { requests: 100, intervalMs: 1000, concurrency: 1 };
    const held = await a.acquire(id, policy);
    const controller = new AbortController();
    const waiting = b.acquire(id, policy, controller.signal);
    setTimeout(() => controller.abort(new Error('run cancelled')), 50);
    await expect(waiting).rejects.toThrow('run cancelled');
    await held.release();
    await held.release(); // twice is harmless
    const next = await b.acquire(id, policy);
    await next.release();
    const aborted = new AbortController();
    aborted.abort(new Error('already'));
    await expect(a.acquire(id, policy, aborted.signal)).rejects.toThrow('already');
  });

  it('refuses a malformed policy', async () => {
    await expect(a.acquire(conn(), { requests: 0, intervalMs: 1000, concurrency: 1 })).rejects.toThrow(/requests/);
    await expect(a.acquire(conn(), { requests: 1, intervalMs: 1000, concurrency: 0.5 })).rejects.toThrow(/concurrency/);
  });
});

if (redisUrl) {
  describe('Redis budget leases', () => {
    let r: TestRedis;
    beforeAll(async () => {
      r = await createTestRedis();
    });
    afterAll(async () => {
      await r.cleanup();
    });

    it('gets back the slots of a worker that died holding them', async () => {
      const policy = { requests: 100, intervalMs: 1000, concurrency: 2 };
      const doomed = r.client.duplicate();
      const dead = createRedisBudget({ client: doomed, prefix: r.prefix, leaseMs: 300 });
      await dead.acquire('c1', policy);
      await dead.acquire('c1', policy);
      doomed.disconnect(); // the worker dies: no renewals, no release
      const alive = createRedisBudget({ redisUrl: r.url, prefix: r.prefix, leaseMs: 300, slotPollMs: 20 });
      const lease = await alive.acquire('c1', policy);
      await lease.release();
      await Promise.all([dead.close(), alive.close()]);
    });

    it('keeps renewing the slot of a request that outlives its lease', async () => {
      const policy = { requests: 100, intervalMs: 1000, concurrency: 1 };
      const a = createRedisBudget({ redisUrl: r.url, prefix: r.prefix, leaseMs: 150, slotPollMs: 20 });
      const b = createRedisBudget({ redisUrl: r.url, prefix: r.prefix, leaseMs: 150, slotPollMs: 20 });
      const long = await a.acquire('c2', policy);
      let releasedAt = 0;
      const release = sleep(600).then(async () => {
        releasedAt = Date.now();
        await long.release();
      });
      const next = await b.acquire('c2', policy);
      expect(releasedAt).toBeGreaterThan(0);
      expect(next.grantedAt).toBeGreaterThanOrEqual(releasedAt);
      await Promise.all([release, next.release()]);
      await Promise.all([a.close(), b.close()]);
    });

    it('createBudget picks Redis when a Redis URL is configured', async () => {
      const budget = createBudget({ redisUrl: r.url }, { prefix: r.prefix });
      const lease = await budget.acquire('c3', { requests: 1, intervalMs: 1000, concurrency: 1 });
      expect(await r.client.exists(`${r.prefix}:{c3}:rate`)).toBe(1);
      await lease.release();
      await budget.close();
    });
  });
}

describe('createBudget', () => {
  it('is in memory without a Redis URL, and refuses work once closed', async () => {
    const budget = createBudget({});
    const lease = await budget.acquire('c', { requests: 1, intervalMs: 1000, concurrency: 1 });
    await lease.release();
    await budget.close();
    await expect(budget.acquire('c', { requests: 1, intervalMs: 1000, concurrency: 1 })).rejects.toThrow(/closed/);
  });
});
