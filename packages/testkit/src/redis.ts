import { randomBytes } from 'node:crypto';
import { connectRedis } from '@wavegraph/kit';

export const TEST_REDIS_URL = process.env.TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';

/** A key prefix no other test run uses. */
export const freshRedisPrefix = (): string => `wgtest-${randomBytes(4).toString('hex')}`;

/** Deletes every key under a prefix. */
export async function dropRedisPrefix(prefix: string): Promise<void> {
  const redis = connectRedis(TEST_REDIS_URL, 'command', { name: 'test:drop-prefix' });
  try {
    let cursor = '0';
    do {
      const [next, keys] = await redis.scan(cursor, 'MATCH', `${prefix}*`, 'COUNT', 500);
      if (keys.length) await redis.del(...keys);
      cursor = next;
    } while (cursor !== '0');
  } finally {
    redis.disconnect();
  }
}
