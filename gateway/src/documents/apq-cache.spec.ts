import { connectRedis, type Redis } from '@wavegraph/redis';
import { dropRedisPrefix, freshRedisPrefix, TEST_REDIS_URL } from '@wavegraph/testkit';
import pino from 'pino';
import { RedisApqCache } from './apq-cache';
import { documentHash } from './manifest';

const silent = pino({ level: 'silent' });
const keyOf = (text: string) => `apq:${documentHash(text)}`;
/** failFast connections refuse commands until they are connected. */
async function connected(name: string): Promise<Redis> {
  const redis = connectRedis(TEST_REDIS_URL, 'failFast', { name });
  await new Promise((resolve) => redis.once('ready', resolve));
  return redis;
}

describe('persisted-query cache in Redis', () => {
  let redis: Redis;
  let prefix: string;
  beforeEach(async () => {
    prefix = freshRedisPrefix();
    redis = await connected('apq spec');
  });
  afterEach(async () => {
    redis.disconnect();
    await dropRedisPrefix(prefix);
  });

  it('keeps a registered document under <prefix>:apq: with a TTL, readable by another replica', async () => {
    const cache = new RedisApqCache(redis, prefix, { ttlSeconds: 600, maxEntries: 10 }, silent);
    await cache.set(keyOf('{ me { id } }'), '{ me { id } }');
    const other = await connected('apq spec replica');
    try {
      expect(await new RedisApqCache(other, prefix, { ttlSeconds: 600, maxEntries: 10 }, silent).get(keyOf('{ me { id } }'))).toBe('{ me { id } }');
    } finally {
      other.disconnect();
    }
    const ttl = await redis.ttl(`${prefix}:${keyOf('{ me { id } }')}`);
    expect(ttl).toBeGreaterThan(590);
    expect(ttl).toBeLessThanOrEqual(600);
    expect(await cache.get(keyOf('{ me { handle } }'))).toBeUndefined();
  });

  it('evicts the oldest registrations beyond its bound', async () => {
    const cache = new RedisApqCache(redis, prefix, { ttlSeconds: 600, maxEntries: 3 }, silent);
    const texts = ['{ a }', '{ b }', '{ c }', '{ d }', '{ e }'];
    for (const text of texts) {
      await cache.set(keyOf(text), text);
      await new Promise((resolve) => setTimeout(resolve, 2));
    }
    const kept = await Promise.all(texts.map((text) => cache.get(keyOf(text))));
    expect(kept).toEqual([undefined, undefined, '{ c }', '{ d }', '{ e }']);
    const documents = (await redis.keys(`${prefix}:apq:*`)).filter((key) => !key.endsWith(':index'));
    expect(documents).toHaveLength(3);
  });

  it('ignores keys that are not a sha256 (no lookups for made-up hashes)', async () => {
    const cache = new RedisApqCache(redis, prefix, { ttlSeconds: 600, maxEntries: 3 }, silent);
    await cache.set('apq:index', 'x');
    expect(await cache.get('apq:index')).toBeUndefined();
    expect(await redis.type(`${prefix}:apq:index`)).toBe('none');
  });

  it('turns a Redis outage into misses and skipped registrations, never errors', async () => {
    const down = connectRedis('redis://127.0.0.1:1', 'failFast', { name: 'apq spec down', overrides: { retryStrategy: () => null } });
    try {
      const warnings: unknown[] = [];
      const log = pino({ level: 'warn' }, { write: (line: string) => void warnings.push(line) });
      const cache = new RedisApqCache(down, prefix, { ttlSeconds: 600, maxEntries: 3 }, log);
      await expect(cache.set(keyOf('{ a }'), '{ a }')).resolves.toBeUndefined();
      await expect(cache.get(keyOf('{ a }'))).resolves.toBeUndefined();
      await expect(cache.delete(keyOf('{ a }'))).resolves.toBe(false);
      expect(warnings.length).toBe(3);
    } finally {
      down.disconnect();
    }
  });
});
