import { connectRedis } from '@wavegraph/redis';
import { dropRedisPrefix, freshRedisPrefix, TEST_REDIS_URL } from '@wavegraph/testkit';
import pino from 'pino';
import { NonceGuard } from './nonces';

const log = pino({ level: 'silent' });

describe('nonce guard', () => {
  const prefix = freshRedisPrefix();
  const redis = connectRedis(TEST_REDIS_URL, 'failFast', { name: 'nonce-spec' });
  // failFast refuses commands until connected (that is the fallback path, tested below)
  beforeAll(() => new Promise((resolve) => redis.once('ready', resolve)));
  afterAll(async () => {
    await dropRedisPrefix(prefix);
    redis.disconnect();
  });

  it('accepts a nonce once and refuses its replay', async () => {
    const guard = new NonceGuard(redis, { prefix, windowMs: 120_000, log });
    expect(await guard.claim('n-once')).toBe(true);
    expect(await guard.claim('n-once')).toBe(false);
    expect(await guard.claim('n-other')).toBe(true);
    expect(guard.stats).toEqual({ accepted: 2, replaysRefused: 1, fallbacks: 0 });
  });

  it('refuses a nonce another replica already accepted (shared in Redis, for the window only)', async () => {
    const first = new NonceGuard(redis, { prefix, windowMs: 120_000, log });
    const second = new NonceGuard(redis, { prefix, windowMs: 120_000, log });
    expect(await first.claim('n-shared')).toBe(true);
    expect(await second.claim('n-shared')).toBe(false);
    const ttl = await redis.pttl(`${prefix}:nonce:n-shared`);
    expect(ttl).toBeGreaterThan(110_000);
    expect(ttl).toBeLessThanOrEqual(120_000);
  });

  it('falls back to its own memory while Redis cannot answer, still refusing replays, and counts it', async () => {
    const down = connectRedis('redis://127.0.0.1:1', 'failFast', { name: 'nonce-down', lazyConnect: true, overrides: { retryStrategy: () => null } });
    const warn = jest.fn();
    const guard = new NonceGuard(down, { prefix, windowMs: 120_000, log: { warn } as unknown as typeof log });
    const started = Date.now();
    expect(await guard.claim('n-outage')).toBe(true);
    expect(await guard.claim('n-outage')).toBe(false);
    expect(Date.now() - started).toBeLessThan(1_000);
    expect(guard.stats).toEqual({ accepted: 1, replaysRefused: 1, fallbacks: 1 });
    expect(warn).toHaveBeenCalledTimes(1);
    down.disconnect();
  });

  it('forgets nonces locally after the window, bounded in number', async () => {
    const guard = new NonceGuard(redis, { prefix: `${prefix}:small`, windowMs: 50, localCapacity: 2, log });
    expect(await guard.claim('a')).toBe(true);
    await new Promise((resolve) => setTimeout(resolve, 80));
    // Redis forgot it too (PX = window): past the window a stale timestamp is what refuses it
    expect(await guard.claim('a')).toBe(true);
  });
});
