import { randomUUID } from 'node:crypto';
import { freePort, freshRedisPrefix, pubSubListeners, TEST_REDIS_URL } from '@wavegraph/testkit';
import { createRedisConnections, type RedisConnections } from '@wavegraph/redis';
import { createLogger } from './logger';
import { createRedisPubSub, type SubgraphPubSub } from './pubsub';

const log = createLogger('pubsub-spec');

describe('Redis pubSub for Subscription fields', () => {
  const opened: { pubSub: SubgraphPubSub; redis: RedisConnections }[] = [];
  const open = (prefix: string, url = TEST_REDIS_URL) => {
    const redis = createRedisConnections(url, { owner: 'pubsub-spec', log });
    const pubSub = createRedisPubSub(redis, prefix, log);
    opened.push({ pubSub, redis });
    return pubSub;
  };
  afterAll(async () => {
    // the owner's order: the pub/sub first, then its connections
    await Promise.all(opened.map(async ({ pubSub, redis }) => {
      await pubSub.close();
      await redis.close();
    }));
  });

  it('is listening once subscribe resolves, even when called while still connecting', async () => {
    const prefix = freshRedisPrefix();
    // subscribe straight away, before the connection is ready: the case that once went unheard
    const events = await open(prefix).subscribe('TOPIC');
    await pubSubListeners(prefix, 'TOPIC', 1);
    await open(prefix).publish('TOPIC', { n: 1 });
    expect(await events.next()).toEqual({ value: { n: 1 }, done: false });
    await events.return?.();
  });

  it('fans one publish out to every subscriber of every replica, once each, and not to other topics', async () => {
    const prefix = freshRedisPrefix();
    const [a, b] = [open(prefix), open(prefix)];
    const a1 = await a.subscribe('T');
    const a2 = await a.subscribe('T');
    const b1 = await b.subscribe('T');
    const other = await b.subscribe('OTHER');
    // one Redis subscription per replica, however many local subscribers
    await pubSubListeners(prefix, 'T', 2);
    await b.publish('T', 'first');
    await a.publish('T', 'second');
    for (const events of [a1, a2, b1]) {
      expect(await events.next()).toEqual({ value: 'first', done: false });
      expect(await events.next()).toEqual({ value: 'second', done: false });
    }
    await a.publish('OTHER', 'only-other');
    expect(await other.next()).toEqual({ value: 'only-other', done: false });
    for (const events of [a1, a2, b1, other]) await events.return?.();
  });

  it('unsubscribes from Redis when the last local subscriber leaves', async () => {
    const prefix = freshRedisPrefix();
    const pubSub = open(prefix);
    const first = await pubSub.subscribe('GONE');
    const second = await pubSub.subscribe('GONE');
    await first.return?.();
    await pubSubListeners(prefix, 'GONE', 1);
    await second.return?.();
    await pubSubListeners(prefix, 'GONE', 0);
  });

  it('refuses to subscribe, with a clear error, when Redis cannot be reached', async () => {
    const pubSub = open(freshRedisPrefix(), `redis://127.0.0.1:${await freePort()}`);
    await expect(pubSub.subscribe(randomUUID())).rejects.toThrow('live updates are unavailable');
    // publishing is best effort: it resolves and only logs
    await expect(pubSub.publish('T', 1)).resolves.toBeUndefined();
  });

  it('on close ends every subscriber and lets go of Redis, leaving the connections to their owner', async () => {
    const prefix = freshRedisPrefix();
    const redis = createRedisConnections(TEST_REDIS_URL, { owner: 'pubsub-spec', log });
    const pubSub = createRedisPubSub(redis, prefix, log);
    const events = await pubSub.subscribe('CLOSING');
    await pubSubListeners(prefix, 'CLOSING', 1);
    await pubSub.close();
    expect(await events.next()).toEqual({ value: undefined, done: true });
    await pubSubListeners(prefix, 'CLOSING', 0);
    expect(pubSub.listeners('CLOSING')).toBe(0);
    // still the owner's to close
    expect(await redis.open('command', 'after-close').ping()).toBe('PONG');
    await redis.close();
  });
});
