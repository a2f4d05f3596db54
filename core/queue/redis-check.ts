import { Redis } from 'ioredis';
import { redactRedisUrl } from './redis-health';

/**
 * The start-up check of HUB_REDIS_URL: Redis answers within a bounded wait, and keeps what the queue stores (its
 * `maxmemory-policy` is `noeviction`: under any other policy a full Redis silently deletes jobs and locks, and runs
 * are lost or worked twice). Fails with one line naming the variable and the fix, instead of a reconnection loop.
 */

export const DEFAULT_REDIS_STARTUP_WAIT_MS = 10_000;

export class RedisUnavailableError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'RedisUnavailableError';
  }
}

/** The eviction policy, from CONFIG GET, or from INFO where CONFIG is disabled (managed Redis). */
async function evictionPolicy(client: Redis): Promise<string | undefined> {
  try {
    const reply = (await client.config('GET', 'maxmemory-policy')) as unknown;
    if (Array.isArray(reply) && typeof reply[1] === 'string') return reply[1];
  } catch {
    // CONFIG may be renamed or disabled: INFO says it too
  }
  const info = await client.info('memory');
  return /^maxmemory_policy:(\S+)/m.exec(info)?.[1];
}

function connect(url: string, timeoutMs: number): Promise<Redis> {
  const client = new Redis(url, {
    lazyConnect: true,
    enableOfflineQueue: false,
    maxRetriesPerRequest: 0,
    connectTimeout: timeoutMs,
    retryStrategy: () => null,
  });
  // the socket's reason (ECONNREFUSED…) says more than ioredis' "Connection is closed"; reported once, by the caller
  let socketError: string | undefined;
  client.on('error', (error: Error) => (socketError ??= error.message));
  return client
    .connect()
    .then(() => client.ping())
    .then(
      () => client,
      (error: unknown) => {
        client.disconnect();
        throw new Error(socketError ?? (error instanceof Error ? error.message : String(error)));
      },
    );
}

export async function checkRedis(url: string, options: { waitMs?: number } = {}): Promise<void> {
  const waitMs = options.waitMs ?? DEFAULT_REDIS_STARTUP_WAIT_MS;
  const shown = redactRedisUrl(url);
  const deadline = Date.now() + waitMs;
  let client: Redis | undefined;
  while (client === undefined) {
    try {
      client = await connect(url, Math.max(500, Math.min(5000, deadline - Date.now())));
    } catch (error) {
      if (Date.now() + 500 >= deadline) {
        const reason = (error as Error).message.replace(/\.+$/, '');
        throw new RedisUnavailableError(
          `cannot reach Redis at HUB_REDIS_URL (${shown}) after ${Math.round(waitMs / 1000)} s: ${reason}. Start Redis or fix HUB_REDIS_URL (unset it to use the embedded queue)`,
        );
      }
      await new Promise((resolve) => setTimeout(resolve, 500));
    }
  }
  try {
    const policy = await evictionPolicy(client);
    if (policy !== undefined && policy !== 'noeviction') {
      throw new RedisUnavailableError(
        `Redis at HUB_REDIS_URL (${shown}) has maxmemory-policy "${policy}": the queue needs "noeviction" (an evicted job is a lost or doubled run). Run \`redis-cli CONFIG SET maxmemory-policy noeviction\` and set "maxmemory-policy noeviction" in redis.conf`,
      );
    }
  } finally {
    client.disconnect();
  }
}
