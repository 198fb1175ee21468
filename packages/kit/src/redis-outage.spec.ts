import { randomBytes } from 'node:crypto';
import { createRedisConnections, isRedisUnavailable, onRedisError, redisErrorCounts, resetRedisErrors, setRedisErrorLog, type RedisConnections } from '@wavegraph/redis';
import { startPrivateRedis, type PrivateRedis } from '@wavegraph/testkit';
import { createRedisPubSub, type SubgraphPubSub } from './pubsub';

/** A private Redis of this spec's own port range, stopped and started again while connections use it. */
describe('a Redis outage', () => {
  const WINDOW_MS = 1_000;
  let server: PrivateRedis;
  let redis: RedisConnections;
  let pubSub: SubgraphPubSub;
  const log = { warn: jest.fn(), info: jest.fn() };
  const owner = `wgred-outage-${randomBytes(3).toString('hex')}`;
  const crashes: unknown[] = [];
  const onCrash = (error: unknown) => crashes.push(error);

  beforeAll(async () => {
    process.on('unhandledRejection', onCrash);
    process.on('uncaughtException', onCrash);
    resetRedisErrors();
    setRedisErrorLog(log, { windowMs: WINDOW_MS });
    server = await startPrivateRedis(7590);
    redis = createRedisConnections(server.url, { owner });
    pubSub = createRedisPubSub(redis, 'wgred', log as never);
  });
  afterAll(async () => {
    await pubSub?.close();
    await redis?.close();
    await server?.destroy();
    setRedisErrorLog(log, { windowMs: 10_000 });
    process.off('unhandledRejection', onCrash);
    process.off('uncaughtException', onCrash);
  });

  it('is counted and logged at the rate limit while it lasts, and commands and live events work again once Redis is back', async () => {
    const commands = redis.open('command', 'commands');
    const failFast = redis.open('failFast', 'fail-fast');
    const events = await pubSub.subscribe('OUTAGE');
    await commands.set('wgred:outage', 'before');
    const heard: string[] = [];
    const stopHearing = onRedisError(({ connection }) => heard.push(connection));

    await server.stop();
    const downAt = Date.now();
    // a fail-fast command gives up at once; an ordinary one after its retry; both say Redis is away (retryable)
    const refusals = await Promise.all([failFast.get('wgred:outage'), commands.get('wgred:outage')].map((p) => p.then(() => null, (error: unknown) => error)));
    expect(refusals.map((error) => error instanceof Error && isRedisUnavailable(error))).toEqual([true, true]);
    await new Promise((resolve) => setTimeout(resolve, 2_500));
    const downFor = Date.now() - downAt;

    const mine = redisErrorCounts().filter((row) => row.connection.startsWith(`${owner}:`));
    const connections = new Set(mine.map((row) => row.connection));
    expect(connections).toEqual(new Set([`${owner}:commands`, `${owner}:fail-fast`, `${owner}:pubsub-subscriber`, `${owner}:pubsub-publisher`]));
    expect(mine.every((row) => row.code === 'ECONNREFUSED' || row.code === 'ECONNRESET' || row.code === 'Error')).toBe(true);
    const total = mine.reduce((sum, row) => sum + row.count, 0);
    expect(heard.filter((name) => name.startsWith(`${owner}:`))).toHaveLength(total);
    // each connection failed again and again, yet wrote a line at most once per window
    expect(total).toBeGreaterThan(connections.size * 3);
    const lines = log.warn.mock.calls.filter(([fields]) => String((fields as { redisConnection?: string }).redisConnection).startsWith(`${owner}:`));
    for (const connection of connections) {
      const own = lines.filter(([fields]) => (fields as { redisConnection: string }).redisConnection === connection).length;
      expect(own).toBeGreaterThanOrEqual(1);
      expect(own).toBeLessThanOrEqual(Math.ceil(downFor / WINDOW_MS) + 1);
    }
    expect(lines.some(([fields]) => (fields as { suppressed: number }).suppressed > 0)).toBe(true);
    stopHearing();

    await server.start();
    const deadline = Date.now() + 10_000;
    while (commands.status !== 'ready' || failFast.status !== 'ready') {
      if (Date.now() > deadline) throw new Error('connections did not come back');
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    expect(await commands.get('wgred:outage')).toBe('before');
    expect(await failFast.ping()).toBe('PONG');
    expect(log.info.mock.calls.map(([fields]) => (fields as { redisConnection: string }).redisConnection)).toEqual(expect.arrayContaining([`${owner}:commands`, `${owner}:fail-fast`]));
    // the subscriber subscribed again by itself: a live event published now arrives
    const probe = redis.open('command', 'probe');
    while (Number(((await probe.pubsub('NUMSUB', 'wgred:pubsub:OUTAGE')) as [string, number])[1]) < 1) {
      if (Date.now() > deadline) throw new Error('the subscriber did not subscribe again');
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    await pubSub.publish('OUTAGE', { back: true });
    expect(await events.next()).toEqual({ value: { back: true }, done: false });
    expect(crashes).toEqual([]);
  }, 30_000);
});
