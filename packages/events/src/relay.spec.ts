import { randomUUID } from 'node:crypto';
import { dropRedisPrefix, eventually, freshRedisPrefix, startPrivateRedis, TEST_REDIS_URL } from '@wavegraph/testkit';
import { connectRedis, createRedisConnections, type Redis, type RedisConnections } from '@wavegraph/kit';
import { EpisodeLiked, ShowFollowed } from './contracts';
import { decodeEnvelope, type EventEnvelope } from './envelope';
import { recordEvent } from './outbox';
import { OutboxRelay } from './relay';
import { createRegistry } from '@wavegraph/metrics';
import { streamOf } from './streams';
import { eventsFixture, likePayload, log, type EventsFixture } from './testing/fixture';

let fx: EventsFixture;
let prefix: string;
let redis: Redis;

beforeAll(async () => {
  fx = await eventsFixture();
  redis = connectRedis(TEST_REDIS_URL, 'command', { name: 'relay-spec' });
});
beforeEach(async () => {
  prefix = freshRedisPrefix();
  await fx.db.dataSource.query('TRUNCATE outbox');
});
const relays: OutboxRelay[] = [];
const owned: RedisConnections[] = [];
/** The relays' connections, owned here as a subgraph owns its own: closed after the relays stop. */
const connections = (url = TEST_REDIS_URL): RedisConnections => {
  const created = createRedisConnections(url, { owner: 'relay-spec', log });
  owned.push(created);
  return created;
};
afterEach(async () => {
  await Promise.all(relays.splice(0).map((r) => r.stop()));
  await Promise.all(owned.splice(0).map((c) => c.close()));
  await dropRedisPrefix(prefix);
});
afterAll(async () => {
  redis.disconnect();
  await fx.stop();
});

const like = (episodeId = randomUUID()) =>
  fx.db.dataSource.transaction((tx) => recordEvent(tx, EpisodeLiked, episodeId, likePayload(episodeId, randomUUID())));

const streamEvents = async (url = TEST_REDIS_URL, p = prefix): Promise<EventEnvelope[]> => {
  const client = connectRedis(url, 'command', { name: 'relay-spec:read' });
  try {
    const entries = (await client.xrange(streamOf(p, 'engagement'), '-', '+')) as [string, string[]][];
    return entries.map(([, fields]) => decodeEnvelope(fields));
  } finally {
    client.disconnect();
  }
};

const unpublished = async (): Promise<number> => Number((await fx.db.dataSource.query('SELECT count(*)::int AS n FROM outbox WHERE published_at IS NULL'))[0].n);

const relay = (options: Partial<ConstructorParameters<typeof OutboxRelay>[0]> = {}): OutboxRelay => {
  const created = new OutboxRelay({ dataSource: fx.db.dataSource, redis: connections(), prefix, producer: 'engagement', log, ...options });
  relays.push(created);
  return created;
};

describe('recordEvent', () => {
  it('writes the event only when the change commits', async () => {
    await expect(
      fx.db.dataSource.transaction(async (tx) => {
        await recordEvent(tx, EpisodeLiked, randomUUID(), likePayload(randomUUID(), randomUUID()));
        throw new Error('the change failed');
      }),
    ).rejects.toThrow('the change failed');
    expect(await unpublished()).toBe(0);
    await like();
    expect(await unpublished()).toBe(1);
  });

  it('refuses to record outside a transaction and rejects a payload its contract does not allow', async () => {
    await expect(recordEvent(fx.db.dataSource.manager, EpisodeLiked, 'x', likePayload(randomUUID(), randomUUID()))).rejects.toThrow(/inside the transaction/);
    await expect(
      fx.db.dataSource.transaction((tx) => recordEvent(tx, EpisodeLiked, 'x', { episodeId: 'not-a-uuid', userId: randomUUID(), likedAt: 'yesterday' })),
    ).rejects.toThrow(/payload rejected/);
    expect(await unpublished()).toBe(0);
  });
});

describe('OutboxRelay', () => {
  it('moves rows to the producer stream in order and marks them sent', async () => {
    const ids = [];
    for (let i = 0; i < 5; i++) ids.push(await like());
    expect(await relay().relayOnce()).toBe(5);
    const events = await streamEvents();
    expect(events.map((e) => e.id)).toEqual(ids);
    expect(events[0]).toMatchObject({ type: 'engagement.EpisodeLiked', version: 1 });
    expect(await unpublished()).toBe(0);
    expect(await relay().relayOnce()).toBe(0);
  });

  it('keeps each aggregate in order when several relays claim at once', async () => {
    const aggregates = [randomUUID(), randomUUID(), randomUUID()];
    for (let i = 0; i < 60; i++) await like(aggregates[i % 3]);
    const relays = [relay({ batchSize: 7 }), relay({ batchSize: 5 }), relay({ batchSize: 3 })];
    while ((await unpublished()) > 0) await Promise.all(relays.map((r) => r.relayOnce()));
    const events = await streamEvents();
    expect(new Set(events.map((e) => e.id)).size).toBe(60);
    for (const aggregate of aggregates) {
      const positions = events.filter((e) => e.aggregateId === aggregate).map((e) => e.position);
      expect(positions).toHaveLength(20);
      expect(positions).toEqual([...positions].sort((a, b) => a - b));
    }
  });

  it('sends a batch again when killed between publishing and marking it sent', async () => {
    await like();
    await like();
    const crashing = relay({
      afterPublish: async () => {
        throw new Error('killed');
      },
    });
    await expect(crashing.relayOnce()).rejects.toThrow('killed');
    expect(await unpublished()).toBe(2);
    expect(await relay().relayOnce()).toBe(2);
    const events = await streamEvents();
    expect(events).toHaveLength(4);
    expect(events.slice(2).map((e) => e.id)).toEqual(events.slice(0, 2).map((e) => e.id));
  });

  it('waits with backoff while Redis is down and delivers every event once it is back', async () => {
    const server = await startPrivateRedis();
    try {
      const running = relay({ redis: connections(server.url), pollMs: 20, backoff: { baseMs: 50, maxMs: 400 } });
      running.start();
      await like();
      await server.stop();
      const whileDown = [];
      for (let i = 0; i < 10; i++) whileDown.push(await like());
      await new Promise((r) => setTimeout(r, 300));
      const waiting = await fx.db.dataSource.query('SELECT attempts, last_error, next_attempt_at > now() - interval \'1 minute\' AS scheduled FROM outbox WHERE published_at IS NULL');
      expect(waiting).toHaveLength(10);
      expect(waiting.every((row: { attempts: number; last_error: string }) => row.attempts >= 1 && row.last_error)).toBe(true);

      await server.start();
      const deadline = Date.now() + 10_000;
      while ((await unpublished()) > 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
      await running.stop();
      const events = await streamEvents(server.url);
      expect(new Set(events.map((e) => e.id)).size).toBe(11);
      expect(events.map((e) => e.id)).toEqual(expect.arrayContaining(whileDown));
    } finally {
      await server.destroy();
    }
  });

  it('relays a commit at once, not at its next poll, woken by Postgres NOTIFY', async () => {
    const idle = relay({ pollMs: 60_000 });
    idle.start();
    await new Promise((r) => setTimeout(r, 200));
    const id = await like();
    const events = await eventually(async () => {
      const sent = await streamEvents();
      return sent.length === 1 && sent;
    }, 3000);
    expect(events[0].id).toBe(id);
  });

  it('grows the wait between attempts', async () => {
    await fx.db.dataSource.transaction((tx) => recordEvent(tx, ShowFollowed, 'show', { showId: randomUUID(), userId: randomUUID() }));
    const down = relay({ redis: connections('redis://127.0.0.1:1'), backoff: { baseMs: 1000, maxMs: 60_000 } });
    const delays: number[] = [];
    for (let attempt = 0; attempt < 3; attempt++) {
      await fx.db.dataSource.query('UPDATE outbox SET next_attempt_at = now() - interval \'1 second\'');
      await down.relayOnce();
      const [row] = await fx.db.dataSource.query('SELECT attempts, extract(epoch FROM next_attempt_at - now()) * 1000 AS wait FROM outbox');
      expect(row.attempts).toBe(attempt + 1);
      delays.push(Number(row.wait));
    }
    // equal jitter: attempt n waits between half and all of base·2^(n-1)
    expect(delays[0]).toBeGreaterThan(400);
    expect(delays[0]).toBeLessThanOrEqual(1000);
    expect(delays[2]).toBeGreaterThan(1900);
    expect(delays[2]).toBeLessThanOrEqual(4000);
  });
});

describe('relay metrics', () => {
  it('reports the backlog and the oldest unsent age while Redis is away, and the events relayed once it is back', async () => {
    const metrics = createRegistry('spec', { processMetrics: false });
    const sample = async (name: string) => (await metrics.getMetricsAsJSON()).find((m) => m.name === name)?.values.find((v) => v.labels.context === 'engagement')?.value;
    const privateRedis = await startPrivateRedis();
    try {
      await privateRedis.stop();
      await like();
      await like();
      relay({ redis: connections(privateRedis.url), metrics, pollMs: 50, backoff: { baseMs: 50, maxMs: 100 } }).start();
      await new Promise((resolve) => setTimeout(resolve, 1_100));
      expect(await sample('wavegraph_outbox_backlog')).toBe(2);
      expect(await sample('wavegraph_outbox_oldest_unsent_age_seconds')).toBeGreaterThanOrEqual(1);
      expect(await sample('wavegraph_events_relayed_total')).toBe(0);
      await privateRedis.start();
      await eventually(async () => (await sample('wavegraph_events_relayed_total')) === 2, 10_000, 100);
      await new Promise((resolve) => setTimeout(resolve, 550));
      expect(await sample('wavegraph_outbox_backlog')).toBe(0);
      expect(await sample('wavegraph_outbox_oldest_unsent_age_seconds')).toBe(0);
    } finally {
      await Promise.all(relays.splice(0).map((r) => r.stop()));
      await privateRedis.destroy();
    }
  });
});
