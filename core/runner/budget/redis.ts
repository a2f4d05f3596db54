import { randomBytes } from 'node:crypto';
import { Redis } from 'ioredis';
import pino from 'pino';
import type { HubLogger } from '../../logging/logger';
import type { BudgetPolicy, ConnectionBudget } from '../budget-port';
import { acquireLoop, assertPolicy, once, type BudgetOptions, type Decision, type TimedLease } from './shared';

/**
 * The per-connection budget shared by every worker on every machine, in Redis. Per connection, three keys (one
 * hash tag, so they live in one cluster slot):
 * - `rate`: a sorted set of grant times (sliding-window log);
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

const ACQUIRE = `
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local paused = tonumber(redis.call('GET', KEYS[1]) or '0')
if paused > now then return {1, paused - now, now} end
redis.call('ZREMRANGEBYSCORE', KEYS[2], '-inf', now)
if redis.call('ZCARD', KEYS[2]) >= tonumber(ARGV[1]) then
  local first = redis.call('ZRANGE', KEYS[2], 0, 0, 'WITHSCORES')
  return {2, tonumber(first[2]) - now, now}
end
local window = tonumber(ARGV[3])
redis.call('ZREMRANGEBYSCORE', KEYS[3], '-inf', now - window)
local count = redis.call('ZCARD', KEYS[3])
local requests = tonumber(ARGV[2])
if count >= requests then
  local oldest = redis.call('ZRANGE', KEYS[3], count - requests, count - requests, 'WITHSCORES')
  return {3, tonumber(oldest[2]) + window - now, now}
end
local lease = tonumber(ARGV[4])
redis.call('ZADD', KEYS[2], now + lease, ARGV[5])
redis.call('PEXPIRE', KEYS[2], lease * 2)
redis.call('ZADD', KEYS[3], now, ARGV[5])
redis.call('PEXPIRE', KEYS[3], window)
return {0, 0, now}
`;

/** Renews the leases still held; returns those that were lost (expired and reclaimed by another worker). */
const RENEW = `
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local lease = tonumber(ARGV[1])
local lost = {}
for i = 2, #ARGV do
  if redis.call('ZSCORE', KEYS[1], ARGV[i]) then
    redis.call('ZADD', KEYS[1], now + lease, ARGV[i])
  else
    table.insert(lost, ARGV[i])
  end
end
if redis.call('EXISTS', KEYS[1]) == 1 then redis.call('PEXPIRE', KEYS[1], lease * 2) end
return lost
`;

/** Sets the pause deadline unless a later one is already set: a pause is never shortened. */
const PAUSE = `
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local untilMs = tonumber(ARGV[1])
local current = tonumber(redis.call('GET', KEYS[1]) or '0')
if untilMs <= current or untilMs <= now then return 0 end
redis.call('SET', KEYS[1], ARGV[1], 'PX', untilMs - now)
return 1
`;

interface BudgetCommands {
  hubBudgetAcquire(...args: Array<string | number>): Promise<[number, number, number]>;
  hubBudgetRenew(...args: Array<string | number>): Promise<string[]>;
  hubBudgetPause(...args: Array<string | number>): Promise<number>;
}

export interface RedisBudget extends ConnectionBudget {
  acquire(connectionId: string, policy: BudgetPolicy, signal?: AbortSignal): Promise<TimedLease>;
}

export function createRedisBudget(options: RedisBudgetOptions): RedisBudget {
  if (!options.client && !options.redisUrl) throw new Error('createRedisBudget: give a redisUrl or a client');
  const ownClient = !options.client;
  const client = options.client ?? new Redis(options.redisUrl as string, { maxRetriesPerRequest: 3 });
  const logger = options.logger ?? pino({ level: 'silent' });
  if (ownClient) client.on('error', (error) => logger.warn({ err: error }, 'budget: Redis connection error'));
  client.defineCommand('hubBudgetAcquire', { numberOfKeys: 3, lua: ACQUIRE });
  client.defineCommand('hubBudgetRenew', { numberOfKeys: 1, lua: RENEW });
  client.defineCommand('hubBudgetPause', { numberOfKeys: 1, lua: PAUSE });
  const commands = client as unknown as BudgetCommands;

  const prefix = options.prefix ?? 'hub:budget';
  const leaseMs = options.leaseMs ?? 30_000;
  const margin = options.windowMarginMs ?? 0;
  const instance = randomBytes(6).toString('hex');
  const key = (connectionId: string, kind: 'rate' | 'leases' | 'pause') => `${prefix}:{${connectionId}}:${kind}`;
  /** Leases held by this process, per connection: renewed by the heartbeat, released on close. */
  const held = new Map<string, Set<string>>();
  const wakers = new Map<string, Set<() => void>>();
  let seq = 0;
  let closed = false;

  const wakersOf = (id: string) => {
    let set = wakers.get(id);
    if (!set) wakers.set(id, (set = new Set()));
    return set;
  };

  const release = (connectionId: string, leaseId: string) =>
    once(async () => {
      held.get(connectionId)?.delete(leaseId);
      try {
        await client.zrem(key(connectionId, 'leases'), leaseId);
      } finally {
        for (const wake of [...wakersOf(connectionId)]) wake();
      }
    });

  const attempt = async (connectionId: string, policy: BudgetPolicy): Promise<Decision> => {
    seq += 1;
    const leaseId = `${instance}:${seq}`;
    const [code, waitMs, now] = await commands.hubBudgetAcquire(
      key(connectionId, 'pause'),
      key(connectionId, 'leases'),
      key(connectionId, 'rate'),
      policy.concurrency,
      policy.requests,
      policy.intervalMs + margin,
      leaseMs,
      leaseId,
    );
    if (code === 0) {
      let leases = held.get(connectionId);
      if (!leases) held.set(connectionId, (leases = new Set()));
      leases.add(leaseId);
      return { granted: { grantedAt: Number(now), release: release(connectionId, leaseId) } };
    }
    return { waitMs: Number(waitMs), reason: code === 1 ? 'paused' : code === 2 ? 'concurrency' : 'rate' };
  };

  const renew = async () => {
    for (const [connectionId, leases] of held) {
      if (leases.size === 0) continue;
      try {
        const lost = await commands.hubBudgetRenew(key(connectionId, 'leases'), leaseMs, ...leases);
        // Lost: this process stalled longer than leaseMs. The request goes on; the slot may be briefly oversold.
        if (lost.length > 0) logger.warn({ connectionId, lost: lost.length }, 'budget: concurrency leases expired');
      } catch (error) {
        logger.warn({ err: error, connectionId }, 'budget: could not renew concurrency leases');
      }
    }
  };
  const heartbeat = setInterval(() => void renew(), Math.max(10, Math.floor(leaseMs / 3)));
  heartbeat.unref();

  return {
    async acquire(connectionId, policy, signal) {
      assertPolicy(policy);
      return acquireLoop({
        attempt: () => attempt(connectionId, policy),
        signal,
        wakers: wakersOf(connectionId),
        isClosed: () => closed,
        slotPollMs: options.slotPollMs ?? 50,
      });
    },

    async pause(connectionId, untilEpochMs, reason) {
      const set = await commands.hubBudgetPause(key(connectionId, 'pause'), Math.ceil(untilEpochMs));
      if (set === 1)
        logger.info({ connectionId, until: new Date(untilEpochMs).toISOString(), reason }, 'budget: paused');
    },

    async pausedUntil(connectionId) {
      const value = Number((await client.get(key(connectionId, 'pause'))) ?? 0);
      return value > Date.now() ? value : undefined;
    },

    async close() {
      if (closed) return;
      closed = true;
      clearInterval(heartbeat);
      for (const set of wakers.values()) for (const wake of [...set]) wake();
      // Hand the slots still held back now instead of letting them expire.
      const pending = [...held].filter(([, leases]) => leases.size > 0);
      await Promise.all(
        pending.map(([id, leases]) => client.zrem(key(id, 'leases'), ...leases).catch(() => undefined)),
      );
      held.clear();
      if (ownClient) await client.quit().catch(() => client.disconnect());
    },
  };
}
