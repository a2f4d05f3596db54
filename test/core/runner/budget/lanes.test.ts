import { createMemoryBudget, createRedisBudget } from '../../../../core/runner/budget';
import { connectionBudgetHook, resolveConnectionPolicy } from '../../../../core/runner/budget/connection';
import type { TimedLease } from '../../../../core/runner/budget/shared';
import { laneKey, type BudgetPolicy, type ConnectionBudget } from '../../../../core/runner/budget-port';
import type { ApiPolicy } from '../../../../core/sdk';
import { createTestRedis, redisUrl } from '../../../helpers/redis';

/**
 * Lanes, the window's real remainder, counting from the response, and vendor usage fed back, on memory and on
 * Redis. Assertions are on grants, pauses and computed waits, never on how long something took.
 */

type Budget = Omit<ConnectionBudget, 'acquire'> & {
  acquire(key: string, policy: BudgetPolicy, signal?: AbortSignal): Promise<TimedLease>;
};

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
/** Whether `promise` is still pending once `ms` have passed (the budget is holding it back). */
const stillWaiting = (promise: Promise<unknown>, ms = 100) =>
  Promise.race([promise.then(() => false), sleep(ms).then(() => true)]);

const POLICY: ApiPolicy = {
  rateBudget: { requests: 2, intervalMs: 60_000 },
  concurrency: 5,
  lanes: { search: { requests: 2, intervalMs: 60_000 } },
  maxBatchSize: {},
  retryStatuses: [],
  retryAfter: [],
};

interface Target {
  name: string;
  open(): Promise<{ budget: Budget; cleanup(): Promise<void> }>;
}

const targets: Target[] = [
  {
    name: 'memory',
    async open() {
      const budget = createMemoryBudget();
      return { budget, cleanup: () => budget.close() };
    },
  },
];
if (redisUrl) {
  targets.push({
    name: 'redis',
    async open() {
      const r = await createTestRedis();
      const budget = createRedisBudget({ redisUrl: r.url, prefix: r.prefix, slotPollMs: 10 });
      return {
        budget,
        cleanup: async () => {
          await budget.close();
          await r.cleanup();
        },
      };
    },
  });
}

describe.each(targets)('connection budget lanes and waits ($name)', (target) => {
  let budget: Budget;
  let cleanup: () => Promise<void>;
  let seq = 0;
  const conn = () => `lanes_${++seq}`;
  const resolved = resolveConnectionPolicy({ id: 'x', policy: POLICY }, {});

  beforeAll(async () => {
    ({ budget, cleanup } = await target.open());
  });
  afterAll(async () => {
    await cleanup();
  });

  it('keeps a lane independent of the main budget, both ways', async () => {
    const id = conn();
    const hook = connectionBudgetHook(budget, id, resolved);
    const main = resolved.main;
    await Promise.all([budget.acquire(id, main), budget.acquire(id, main)].map(async (l) => (await l).release()));
    const mainBlocked = budget.acquire(id, main);
    expect(await stillWaiting(mainBlocked)).toBe(true);
    // the main budget is spent for a minute; the search lane still has its own two
    const releases = [await hook.acquire('search'), await hook.acquire('search')];
    await Promise.all(releases.map((release) => release()));
    const laneBlocked = hook.acquire('search');
    expect(await stillWaiting(laneBlocked)).toBe(true);
    // a pause of the lane is the lane's alone
    await hook.pause(30_000, 'search said slow down', 'search');
    expect(await budget.pausedUntil(laneKey(id, 'search'))).toBeDefined();
    expect(await budget.pausedUntil(id)).toBeUndefined();
    // an undeclared lane is a programming error that names the declared ones
    await expect(hook.acquire('export')).rejects.toThrow('budget lane "export" is not declared');
    await expect(hook.acquire('export')).rejects.toThrow('lanes: search');
    await budget.close(); // wakes and refuses the waiters
    await expect(mainBlocked).rejects.toThrow(/closed/);
    await expect(laneBlocked).rejects.toThrow(/closed/);
    ({ budget, cleanup } = await reopen(target, cleanup));
  });

  it('counts a request from its response: the next one waits a whole interval after the answer', async () => {
    const id = conn();
    const policy = { requests: 1, intervalMs: 200, concurrency: 5 };
    const first = await budget.acquire(id, policy);
    const waiting = budget.acquire(id, policy); // in flight, the first still counts
    await sleep(150);
    await first.release();
    const next = await waiting;
    await next.release();
    // granted at least a whole interval after the answer (on the budget's clock), not after the grant
    // (timers may fire a millisecond early by the wall clock: a few ms of slack, far below the 150 ms at stake)
    expect(next.grantedAt - first.grantedAt).toBeGreaterThanOrEqual(150 + 200 - 5);
  });

  it('after a 429 with no stated wait, the real remainder of the window, not a whole one', async () => {
    const id = conn();
    const policy = { requests: 10, intervalMs: 10_000, concurrency: 5 };
    const hook = connectionBudgetHook(budget, id, resolveConnectionPolicy({ id: 'x', policy: POLICY }, {}));
    // nothing counted: a whole window
    expect(await budget.windowRemainder(id, policy)).toBe(10_000);
    expect(await hook.windowRemainder()).toBe(60_000);
    const lease = await budget.acquire(id, policy);
    await lease.release();
    await sleep(300);
    const remainder = await budget.windowRemainder(id, policy);
    expect(remainder).toBeLessThanOrEqual(10_000 - 300 + 5); // a timer may fire a millisecond early
    expect(remainder).toBeGreaterThan(0);
  });

  it('feeds vendor usage back: pauses for the stated time when usage is high, not when it is low', async () => {
    const id = conn();
    const hook = connectionBudgetHook(budget, id, resolved);
    expect(await hook.reportUsage({ usedPercent: 40, reason: 'x-business-use-case-usage' })).toBe(0);
    expect(await budget.pausedUntil(id)).toBeUndefined();

    const before = Date.now();
    const paused = await hook.reportUsage({
      usedPercent: 96,
      regainAccessMs: 5 * 60_000,
      reason: 'x-business-use-case-usage',
    });
    expect(paused).toBe(300_000);
    const until = (await budget.pausedUntil(id)) ?? 0;
    expect(until).toBeGreaterThanOrEqual(before + 300_000);
    expect(until).toBeLessThanOrEqual(Date.now() + 300_000);

    // high usage with no stated wait: the fallback, on the lane asked for only
    const other = conn();
    const laneHook = connectionBudgetHook(budget, other, resolved);
    expect(
      await laneHook.reportUsage({ usedPercent: 91, reason: 'quota header', fallbackMs: 20_000, lane: 'search' }),
    ).toBe(20_000);
    expect(await budget.pausedUntil(laneKey(other, 'search'))).toBeDefined();
    expect(await budget.pausedUntil(other)).toBeUndefined();
  });
});

async function reopen(target: Target, cleanup: () => Promise<void>) {
  await cleanup();
  return target.open();
}

describe('the memory budget on an injected clock', () => {
  it('computes the remainder from the response time: 10 s window, answered 7 s ago → 3 s', async () => {
    let now = 1_000_000;
    const budget = createMemoryBudget({ now: () => now });
    const policy = { requests: 190, intervalMs: 10_000, concurrency: 6 };
    const lease = await budget.acquire('c', policy);
    now += 400; // the answer took 400 ms
    await lease.release();
    now += 7_000;
    expect(await budget.windowRemainder('c', policy)).toBe(3_000);
    now += 3_000;
    expect(await budget.windowRemainder('c', policy)).toBe(10_000); // it left: nothing counted
    await budget.close();
  });
});

describe('resolveConnectionPolicy', () => {
  it('takes rateBudget and concurrency from policyFor and merges its lanes over the static ones by name', () => {
    const resolved = resolveConnectionPolicy(
      {
        id: 'x',
        policy: {
          ...POLICY,
          lanes: { search: { requests: 5, intervalMs: 1000 }, export: { requests: 1, intervalMs: 1 } },
        },
        policyFor: (settings) => ({
          rateBudget: { requests: Number(settings.burst), intervalMs: 10_000 },
          lanes: { search: { requests: 2, intervalMs: 1000, concurrency: 1 } },
        }),
      },
      { burst: 110 },
    );
    expect(resolved.main).toEqual({ requests: 110, intervalMs: 10_000, concurrency: 5 });
    expect(resolved.lanes.search).toEqual({ requests: 2, intervalMs: 1000, concurrency: 1 });
    expect(resolved.lanes.export).toEqual({ requests: 1, intervalMs: 1, concurrency: 1_000_000 });
  });
});
