import { randomBytes } from 'node:crypto';
import { connectRedis } from './connect';
import { createRedisConnections, type RedisConnections } from './connections';
import { RedisPubSub } from './pubsub';

const URL = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';

interface Topics extends Record<string, unknown> {
  EPISODE_LIKED: { episodeId: string; likes: number };
  PING: string;
}

const until = async (check: () => Promise<boolean>, ms = 3000) => {
  const deadline = Date.now() + ms;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
};

describe('RedisPubSub', () => {
  const owners: RedisConnections[] = [];
  const probe = connectRedis(URL, 'command', { name: 'wgred-pubsub-probe' });
  const numsub = async (channel: string) => Number(((await probe.pubsub('NUMSUB', channel)) as [string, number])[1]);
  const open = (channelPrefix: string) => {
    const redis = createRedisConnections(URL, { owner: 'wgred-pubsub-spec' });
    owners.push(redis);
    const pubSub = new RedisPubSub<Topics>({ publisher: redis.open('command', 'publisher'), subscriber: redis.open('subscriber', 'subscriber') }, { channelPrefix });
    return { pubSub, redis };
  };
  afterAll(async () => {
    await Promise.all(owners.map((owner) => owner.close()));
    probe.disconnect();
  });

  it('refuses to run without a channel prefix or with one connection for both roles', () => {
    const redis = connectRedis(URL, 'command', { name: 'wgred-pubsub-refused', lazyConnect: true });
    expect(() => new RedisPubSub({ publisher: redis, subscriber: connectRedis(URL, 'subscriber', { name: 'x', lazyConnect: true }) }, { channelPrefix: '' })).toThrow('channelPrefix');
    expect(() => new RedisPubSub({ publisher: redis, subscriber: redis }, { channelPrefix: 'p' })).toThrow('two connections');
    redis.disconnect();
  });

  it('publishes typed payloads on <prefix>:<topic>, heard by every subscriber of that prefix only', async () => {
    const prefix = `wgred-${randomBytes(4).toString('hex')}`;
    const a = open(prefix).pubSub;
    const b = open(prefix).pubSub;
    const stranger = open(`${prefix}-other`).pubSub;
    const heardA: Topics['EPISODE_LIKED'][] = [];
    const heardB: Topics['EPISODE_LIKED'][] = [];
    const heardStranger: unknown[] = [];
    await a.subscribe('EPISODE_LIKED', (payload) => heardA.push(payload));
    await a.subscribe('EPISODE_LIKED', (payload) => heardA.push(payload));
    await b.subscribe('EPISODE_LIKED', (payload) => heardB.push(payload));
    await stranger.subscribe('EPISODE_LIKED', (payload) => heardStranger.push(payload));
    // one Redis subscription per process however many listeners it has
    expect(await numsub(`${prefix}:EPISODE_LIKED`)).toBe(2);
    expect(a.topics()).toEqual(['EPISODE_LIKED']);
    expect(a.listenerCount('EPISODE_LIKED')).toBe(2);
    await b.publish('EPISODE_LIKED', { episodeId: 'e1', likes: 3 });
    await until(async () => heardA.length === 2 && heardB.length === 1);
    expect(heardA).toEqual([{ episodeId: 'e1', likes: 3 }, { episodeId: 'e1', likes: 3 }]);
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(heardStranger).toEqual([]);
  });

  it('drops a message that is not JSON and tells onUnreadable', async () => {
    const prefix = `wgred-${randomBytes(4).toString('hex')}`;
    const redis = createRedisConnections(URL, { owner: 'wgred-pubsub-spec' });
    owners.push(redis);
    const unreadable: string[] = [];
    const pubSub = new RedisPubSub<Topics>(
      { publisher: redis.open('command', 'publisher'), subscriber: redis.open('subscriber', 'subscriber') },
      { channelPrefix: prefix, onUnreadable: (channel) => unreadable.push(channel) },
    );
    const heard: string[] = [];
    await pubSub.subscribe('PING', (payload) => heard.push(payload));
    await probe.publish(`${prefix}:PING`, 'not json');
    await pubSub.publish('PING', 'pong');
    await until(async () => heard.length === 1);
    expect(heard).toEqual(['pong']);
    expect(unreadable).toEqual([`${prefix}:PING`]);
  });

  it('unsubscribes when the last listener of a topic leaves', async () => {
    const prefix = `wgred-${randomBytes(4).toString('hex')}`;
    const { pubSub } = open(prefix);
    const first = await pubSub.subscribe('PING', () => undefined);
    const second = await pubSub.subscribe('PING', () => undefined);
    await first();
    expect(await numsub(`${prefix}:PING`)).toBe(1);
    await second();
    await until(async () => (await numsub(`${prefix}:PING`)) === 0);
    expect(pubSub.topics()).toEqual([]);
  });

  it('on dispose ends every subscription and refuses more, and leaves the connections to their owner', async () => {
    const prefix = `wgred-${randomBytes(4).toString('hex')}`;
    const { pubSub, redis } = open(prefix);
    const heard: string[] = [];
    await pubSub.subscribe('PING', (payload) => heard.push(payload));
    await pubSub.dispose();
    await until(async () => (await numsub(`${prefix}:PING`)) === 0);
    await probe.publish(`${prefix}:PING`, JSON.stringify('late'));
    await expect(pubSub.publish('PING', 'x')).rejects.toThrow('disposed');
    await expect(pubSub.subscribe('PING', () => undefined)).rejects.toThrow('disposed');
    await pubSub.dispose();
    // still open: their owner closes them
    const publisher = redis.open('command', 'after-dispose');
    expect(await publisher.ping()).toBe('PONG');
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(heard).toEqual([]);
  });

  it('refuses a subscription with a clear error while Redis cannot be reached', async () => {
    const redis = createRedisConnections('redis://127.0.0.1:7593', { owner: 'wgred-pubsub-down', log: { warn: () => undefined, info: () => undefined } });
    owners.push(redis);
    const pubSub = new RedisPubSub<Topics>({ publisher: redis.open('command', 'publisher'), subscriber: redis.open('subscriber', 'subscriber') }, { channelPrefix: 'wgred-down', readyTimeoutMs: 200 });
    await expect(pubSub.subscribe('PING', () => undefined)).rejects.toThrow('live updates are unavailable');
    expect(pubSub.topics()).toEqual([]);
  });
});
