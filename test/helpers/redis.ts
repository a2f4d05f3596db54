import { randomBytes } from 'node:crypto';
import { Redis } from 'ioredis';

/**
 * Redis for the queue and budget suites: used when HUB_TEST_REDIS_URL is set. In CI (CI=true) a missing
 * HUB_TEST_REDIS_URL fails the suite instead of silently leaving the Redis drivers untested.
 */
export const redisUrl: string | undefined = process.env.HUB_TEST_REDIS_URL || undefined;

const inCi = ['true', '1', 'yes'].includes((process.env.CI ?? '').toLowerCase());
if (inCi && !redisUrl) {
  throw new Error(
    'HUB_TEST_REDIS_URL is not set but CI=true: the queue and budget suites must run on Redis in CI ' +
      '(e.g. HUB_TEST_REDIS_URL=redis://127.0.0.1:6379)',
  );
}

export interface TestRedis {
  url: string;
  /** A fresh random key prefix; every key the test creates must start with it. */
  prefix: string;
  /** A connection for assertions and setup. */
  client: Redis;
  /** Deletes every key under the prefix and closes the client. */
  cleanup(): Promise<void>;
}

export async function deleteKeys(client: Redis, prefix: string): Promise<void> {
  let cursor = '0';
  do {
    const [next, keys] = await client.scan(cursor, 'MATCH', `${prefix}*`, 'COUNT', 500);
    cursor = next;
    if (keys.length > 0) await client.unlink(...keys);
  } while (cursor !== '0');
}

/** An isolated namespace on the test Redis: a random prefix, cleaned up by `cleanup()`. */
export async function createTestRedis(): Promise<TestRedis> {
  if (!redisUrl) throw new Error('HUB_TEST_REDIS_URL is not set');
  const url = redisUrl;
  const prefix = `hubtest${randomBytes(5).toString('hex')}`;
  const client = new Redis(url, { maxRetriesPerRequest: 3 });
  await client.ping();
  return {
    url,
    prefix,
    client,
    cleanup: async () => {
      try {
        await deleteKeys(client, prefix);
      } finally {
        await client.quit();
      }
    },
  };
}
