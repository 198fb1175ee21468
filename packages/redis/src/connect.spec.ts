import { connectRedis } from './connect';

const URL = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';

describe('connectRedis', () => {
  it('names the connection so an operator can find it in CLIENT LIST', async () => {
    const redis = connectRedis(URL, 'command', { name: 'spec probe/1' });
    try {
      expect(await redis.client('GETNAME')).toBe('wavegraph:spec-probe-1');
    } finally {
      redis.disconnect();
    }
  });

  it('fails a failFast command at once while Redis cannot be reached, instead of queueing it', async () => {
    const redis = connectRedis('redis://127.0.0.1:1', 'failFast', { name: 'unreachable', lazyConnect: true, overrides: { retryStrategy: () => null } });
    const started = Date.now();
    await expect(redis.get('k')).rejects.toThrow();
    expect(Date.now() - started).toBeLessThan(1_000);
    redis.disconnect();
  });

  it('keeps a blocking connection waiting for its reply', async () => {
    const redis = connectRedis(URL, 'blocking', { name: 'blocking' });
    try {
      expect(redis.options.maxRetriesPerRequest).toBeNull();
      expect(await redis.blpop(`wg-connect-spec-${process.pid}`, 0.2)).toBeNull();
    } finally {
      redis.disconnect();
    }
  });
});
