import { connectRedis, profileOptions } from './connect';
import { closeRedis } from './connections';
import { redisErrorCounts, resetRedisErrors } from './errors';

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

  it('applies its profile, under the caller\'s overrides', () => {
    const made = (['command', 'failFast', 'blocking', 'subscriber'] as const).map((profile) => {
      const redis = connectRedis(URL, profile, { name: profile, lazyConnect: true });
      const { maxRetriesPerRequest, enableOfflineQueue, commandTimeout, autoResubscribe } = redis.options;
      redis.disconnect();
      return { profile, maxRetriesPerRequest, enableOfflineQueue, commandTimeout, autoResubscribe };
    });
    expect(made).toEqual([
      { profile: 'command', maxRetriesPerRequest: 1, enableOfflineQueue: true, commandTimeout: undefined, autoResubscribe: true },
      { profile: 'failFast', maxRetriesPerRequest: 0, enableOfflineQueue: false, commandTimeout: 2000, autoResubscribe: true },
      { profile: 'blocking', maxRetriesPerRequest: null, enableOfflineQueue: true, commandTimeout: undefined, autoResubscribe: true },
      { profile: 'subscriber', maxRetriesPerRequest: null, enableOfflineQueue: true, commandTimeout: undefined, autoResubscribe: true },
    ]);
    expect(profileOptions('failFast')).toEqual({ enableOfflineQueue: false, maxRetriesPerRequest: 0, commandTimeout: 2000 });
    const overridden = connectRedis(URL, 'failFast', { name: 'overridden', lazyConnect: true, overrides: { commandTimeout: 50 } });
    expect(overridden.options.commandTimeout).toBe(50);
    overridden.disconnect();
  });

  it('logs a failing connection once per window, counts each failure, and needs no listener of the caller', async () => {
    resetRedisErrors();
    const log = { warn: jest.fn(), info: jest.fn() };
    // a port of nothing, retried every 20 ms: many failures in little time
    const redis = connectRedis('redis://127.0.0.1:7591', 'failFast', { name: 'refused-spec', log, overrides: { retryStrategy: () => 20 } });
    // as many failures as a loaded machine lets happen; five come within a few hundred ms
    // (polled here: testkit builds on this package)
    const counted = () => redisErrorCounts().find((r) => r.connection === 'refused-spec');
    for (const until = Date.now() + 10_000; (counted()?.count ?? 0) < 5 && Date.now() < until; ) await new Promise((resolve) => setTimeout(resolve, 20));
    const refused = counted();
    redis.disconnect();
    expect(refused).toMatchObject({ code: 'ECONNREFUSED' });
    expect(refused?.count).toBeGreaterThanOrEqual(5);
    expect(log.warn).toHaveBeenCalledTimes(1);
    expect(log.warn.mock.calls[0][0]).toMatchObject({ redisConnection: 'refused-spec', code: 'ECONNREFUSED' });
  });

  it('makes its copies (BullMQ duplicates the connection of a worker) with its profile, its error listener and a name of their own', () => {
    resetRedisErrors();
    const log = { warn: jest.fn(), info: jest.fn() };
    const redis = connectRedis(URL, 'blocking', { name: 'copied-spec', log, lazyConnect: true });
    // as BullMQ asks: its own connection name, which its getWorkers() reads from CLIENT LIST
    const copy = redis.duplicate({ connectionName: 'bull:cXVldWU=:w:spec' });
    const second = redis.duplicate();
    try {
      expect(copy.options).toMatchObject({ maxRetriesPerRequest: null, connectionName: 'bull:cXVldWU=:w:spec', lazyConnect: true });
      expect(second.options.connectionName).toBe('wavegraph:copied-spec-2');
      // what a copy's socket would emit: without a listener, an 'error' event throws
      const refused = Object.assign(new Error('connect ECONNREFUSED'), { code: 'ECONNREFUSED' });
      expect(() => copy.emit('error', refused)).not.toThrow();
      expect(() => second.emit('error', new Error('boom'))).not.toThrow();
      expect(redisErrorCounts()).toEqual([
        { connection: 'copied-spec~1', code: 'ECONNREFUSED', count: 1 },
        { connection: 'copied-spec~2', code: 'Error', count: 1 },
      ]);
      expect(log.warn.mock.calls.map(([fields]) => (fields as { redisConnection: string }).redisConnection)).toEqual(['copied-spec~1', 'copied-spec~2']);
    } finally {
      for (const connection of [redis, copy, second]) connection.disconnect();
    }
  });

  it('gives a copy the commands of the original, on a connection of its own', async () => {
    const redis = connectRedis(URL, 'command', { name: 'copy-probe' });
    const copy = redis.duplicate();
    try {
      expect(await copy.client('GETNAME')).toBe('wavegraph:copy-probe-1');
      expect(await copy.client('ID')).not.toBe(await redis.client('ID'));
    } finally {
      await Promise.all([redis, copy].map(closeRedis));
    }
  });
});
