import { randomBytes } from 'node:crypto';
import { Redis } from 'ioredis';
import pino from 'pino';
import type { HubLogger } from '../../logging/logger';
import type { BudgetPolicy, ConnectionBudget } from '../budget-port';
import { acquireLoop, assertPolicy, once, type BudgetOptions, type Decision, type TimedLease } from './shared';

/**
 * The per-key budget (a connection's main budget, or one of its lanes) shared by every worker on every machine, in
 * Redis. Per key, three Redis keys (one hash tag, so they live in one cluster slot):
 * - `rate`: a sorted set of requests (sliding-window log). A request in flight is scored with its lease's expiry (it
 *   counts all along, and a crashed worker's requests leave by themselves); its release re-scores it with the
 *   response time, so it counts for one interval from its response, as a vendor counting arrivals needs;
 * - `leases`: a sorted set of leases in flight, scored by expiry; a worker renews its leases while it holds them,
 *   so the slots of a crashed worker come back when their leases expire;
 * - `pause`: the pause deadline, expiring by itself (PX), only ever moved later.
 * Acquiring checks all three and takes a slot and a grant in one Lua script (atomic, one round trip) with the
 * Redis server's clock, so workers on machines with drifting clocks still agree on the window.
 */

export interface RedisBudgetOptions extends BudgetOptions {
  /** Either a URL (the budget opens and closes its connection) or a client (the caller closes it). */
  redisUrl?: string;
  client?: Redis;
  /** Key prefix. Default 'hub:budget'. */
  prefix?: string;
  /** How long a slot outlives its worker; leases are renewed every third of it. Default 30000. */
  leaseMs?: number;
  /** Longest wait before asking again for a concurrency slot held by another worker. Default 50. */
  slotPollMs?: number;
  logger?: HubLogger;
}

const NOW = `
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local function atLeast(key, ms)
  if redis.call('PTTL', key) < ms then redis.call('PEXPIRE', key, ms) end
end
`;

const ACQUIRE = `${NOW}
local paused = tonumber(redis.call('GET', KEYS[1]) or '0')
if paused > now then return {1, paused - now, now} end
redis.call('ZREMRANGEBYSCORE', KEYS[2], '-inf', now)
if redis.call('ZCARD', KEYS[2]) >= tonumber(ARGV[1]) then
  local first = redis.call('ZRANGE', KEYS[2], 0, 0, 'WITHSCORES')
  return {2, tonumber(first[2]) - now, now}
end
local window = tonumber(ARGV[3])
local lease = tonumber(ARGV[4])
redis.call('ZREMRANGEBYSCORE', KEYS[3], '-inf', now - window)
local count = redis.call('ZCARD', KEYS[3])
local requests = tonumber(ARGV[2])
if count >= requests then
  local freeing = redis.call('ZRANGE', KEYS[3], count - requests, count - requests, 'WITHSCORES')
  local at = tonumber(freeing[2])
  -- still in flight: it frees nothing before its response; ask again soon (a release here wakes us at once)
  if at > now then return {2, lease, now} end
  return {3, at + window - now, now}
end
redis.call('ZADD', KEYS[2], now + lease, ARGV[5])
atLeast(KEYS[2], lease * 2)
redis.call('ZADD', KEYS[3], now + lease, ARGV[5])
atLeast(KEYS[3], lease * 2 + window)
return {0, 0, now}
`;

/** Hands the slot back and counts the request from now, its response time. */
const RELEASE = `${NOW}
redis.call('ZREM', KEYS[1], ARGV[1])
redis.call('ZADD', KEYS[2], now, ARGV[1])
atLeast(KEYS[2], tonumber(ARGV[2]))
return now
`;

/** Renews the leases still held (and their requests in flight); returns those that were lost. */
const RENEW = `${NOW}
local lease = tonumber(ARGV[1])
local window = tonumber(ARGV[2])
local lost = {}
for i = 3, #ARGV do
  if redis.call('ZSCORE', KEYS[1], ARGV[i]) then
    redis.call('ZADD', KEYS[1], now + lease, ARGV[i])
    redis.call('ZADD', KEYS[2], 'XX', now + lease, ARGV[i])
  else
    table.insert(lost, ARGV[i])
  end
end
if redis.call('EXISTS', KEYS[1]) == 1 then atLeast(KEYS[1], lease * 2) end
if redis.call('EXISTS', KEYS[2]) == 1 then atLeast(KEYS[2], lease * 2 + window) end
return lost
`;

/** Sets the pause deadline unless a later one is already set: a pause is never shortened. */
const PAUSE = `${NOW}
local untilMs = tonumber(ARGV[1])
local current = tonumber(redis.call('GET', KEYS[1]) or '0')
if untilMs <= current or untilMs <= now then return 0 end
redis.call('SET', KEYS[1], ARGV[1], 'PX', untilMs - now)
return 1
`;

/** ms until the oldest answered request leaves the window (the whole window when none is counted). */
const REMAINDER = `${NOW}
local window = tonumber(ARGV[1])
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', now - window)
local first = redis.call('ZRANGE', KEYS[1], 0, 0, 'WITHSCORES')
if #first == 0 or tonumber(first[2]) > now then return window end
return tonumber(first[2]) + window - now
`;

interface BudgetCommands {
  hubBudgetAcquire(...args: Array<string | number>): Promise<[number, number, number]>;
  hubBudgetRelease(...args: Array<string | number>): Promise<number>;
  hubBudgetRenew(...args: Array<string | number>): Promise<string[]>;
  hubBudgetPause(...args: Array<string | number>): Promise<number>;
  hubBudgetRemainder(...args: Array<string | number>): Promise<number>;
}

export interface RedisBudget extends ConnectionBudget {
  acquire(key: string, policy: BudgetPolicy, signal?: AbortSignal): Promise<TimedLease>;
}

/** The leases this process holds on one key, and the longest window they count in. */
interface Held {
  ids: Set<string>;
  windowMs: number;
}

export function createRedisBudget(options: RedisBudgetOptions): RedisBudget {
  if (!options.client && !options.redisUrl) throw new Error('createRedisBudget: give a redisUrl or a client');
  const ownClient = !options.client;
  const client = options.client ?? new Redis(options.redisUrl as string, { maxRetriesPerRequest: 3 });
  const logger = options.logger ?? pino({ level: 'silent' });
  if (ownClient) client.on('error', (error) => logger.warn({ err: error }, 'budget: Redis connection error'));
  client.defineCommand('hubBudgetAcquire', { numberOfKeys: 3, lua: ACQUIRE });
  client.defineCommand('hubBudgetRelease', { numberOfKeys: 2, lua: RELEASE });
  client.defineCommand('hubBudgetRenew', { numberOfKeys: 2, lua: RENEW });
  client.defineCommand('hubBudgetPause', { numberOfKeys: 1, lua: PAUSE });
  client.defineCommand('hubBudgetRemainder', { numberOfKeys: 1, lua: REMAINDER });
  const commands = client as unknown as BudgetCommands;

  const prefix = options.prefix ?? 'hub:budget';
  const leaseMs = options.leaseMs ?? 30_000;
  const margin = options.windowMarginMs ?? 0;
  const instance = randomBytes(6).toString('hex');
  const redisKey = (key: string, kind: 'rate' | 'leases' | 'pause') => `${prefix}:{${key}}:${kind}`;
  /** Leases held by this process, per budget key: renewed by the heartbeat, released on close. */
  const held = new Map<string, Held>();
  const wakers = new Map<string, Set<() => void>>();
  let seq = 0;
  let closed = false;

  const wakersOf = (key: string) => {
    let set = wakers.get(key);
    if (!set) wakers.set(key, (set = new Set()));
    return set;
  };

  const release = (key: string, leaseId: string, windowMs: number) =>
    once(async () => {
      held.get(key)?.ids.delete(leaseId);
      try {
        await commands.hubBudgetRelease(redisKey(key, 'leases'), redisKey(key, 'rate'), leaseId, windowMs);
      } finally {
        for (const wake of [...wakersOf(key)]) wake();
      }
    });

  const attempt = async (key: string, policy: BudgetPolicy): Promise<Decision> => {
    seq += 1;
    const leaseId = `${instance}:${seq}`;
    const windowMs = policy.intervalMs + margin;
    const [code, waitMs, now] = await commands.hubBudgetAcquire(
      redisKey(key, 'pause'),
      redisKey(key, 'leases'),
      redisKey(key, 'rate'),
      policy.concurrency,
      policy.requests,
      windowMs,
      leaseMs,
      leaseId,
    );
    if (code === 0) {
      let leases = held.get(key);
      if (!leases) held.set(key, (leases = { ids: new Set(), windowMs }));
      leases.ids.add(leaseId);
      leases.windowMs = Math.max(leases.windowMs, windowMs);
      return { granted: { grantedAt: Number(now), release: release(key, leaseId, windowMs) } };
    }
    return { waitMs: Number(waitMs), reason: code === 1 ? 'paused' : code === 2 ? 'concurrency' : 'rate' };
  };

  const renew = async () => {
    for (const [key, leases] of held) {
      if (leases.ids.size === 0) continue;
      try {
        const lost = await commands.hubBudgetRenew(
          redisKey(key, 'leases'),
          redisKey(key, 'rate'),
          leaseMs,
          leases.windowMs,
          ...leases.ids,
        );
        // Lost: this process stalled longer than leaseMs. The request goes on; the slot may be briefly oversold.
        if (lost.length > 0) logger.warn({ key, lost: lost.length }, 'budget: concurrency leases expired');
      } catch (error) {
        logger.warn({ err: error, key }, 'budget: could not renew concurrency leases');
      }
    }
  };
  const heartbeat = setInterval(() => void renew(), Math.max(10, Math.floor(leaseMs / 3)));
  heartbeat.unref();

  return {
    async acquire(key, policy, signal) {
      assertPolicy(policy);
      return acquireLoop({
        attempt: () => attempt(key, policy),
        signal,
        wakers: wakersOf(key),
        isClosed: () => closed,
        slotPollMs: options.slotPollMs ?? 50,
      });
    },

    async pause(key, untilEpochMs, reason) {
      const set = await commands.hubBudgetPause(redisKey(key, 'pause'), Math.ceil(untilEpochMs));
      if (set === 1) logger.info({ key, until: new Date(untilEpochMs).toISOString(), reason }, 'budget: paused');
    },

    async pausedUntil(key) {
      const value = Number((await client.get(redisKey(key, 'pause'))) ?? 0);
      return value > Date.now() ? value : undefined;
    },

    async windowRemainder(key, policy) {
      assertPolicy(policy);
      return Number(await commands.hubBudgetRemainder(redisKey(key, 'rate'), policy.intervalMs + margin));
    },

    async close() {
      if (closed) return;
      closed = true;
      clearInterval(heartbeat);
      for (const set of wakers.values()) for (const wake of [...set]) wake();
      // Hand the slots still held back now instead of letting them expire (their requests count from now).
      const pending = [...held].filter(([, leases]) => leases.ids.size > 0);
      await Promise.all(
        pending.flatMap(([key, leases]) =>
          [...leases.ids].map((id) =>
            commands
              .hubBudgetRelease(redisKey(key, 'leases'), redisKey(key, 'rate'), id, leases.windowMs)
              .catch(() => undefined),
          ),
        ),
      );
      held.clear();
      if (ownClient) await client.quit().catch(() => client.disconnect());
    },
  };
}
