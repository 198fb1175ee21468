import { randomUUID } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { connectRedis, createRedisConnections, type Redis, type RedisConnections } from '@wavegraph/kit';
import { createRegistry } from '@wavegraph/metrics';
import { eventually, startPrivateRedis, type PrivateRedis } from '@wavegraph/testkit';
import { runEventsCli } from './cli.command';
import { EventConsumer, type ConsumerOptions } from './consumer';
import { EpisodeLiked } from './contracts';
import { listDeadLetters } from './dead-letters';
import { EVENT_LOG_PATH, serveLog, signLogRequest } from './log';
import { ProducerLogs } from './log-client';
import { recordEvent } from './outbox';
import { OutboxRelay, type RelayOptions } from './relay';
import { streamOf } from './streams';
import { effects, eventsFixture, likePayload, log, recordEffect, type EventsFixture } from './testing/fixture';

const SECRET = 'recovery-spec-secret-that-is-long-enough';
const prefix = 'recovery-spec';
const stream = streamOf(prefix, 'engagement');

let fx: EventsFixture;
let redisServer: PrivateRedis;
let redis: Redis;
let logServer: Server;
let logUrl: string;
let connections: RedisConnections;
const relays: OutboxRelay[] = [];
const consumers: EventConsumer[] = [];

beforeAll(async () => {
  fx = await eventsFixture();
  redisServer = await startPrivateRedis();
  redis = connectRedis(redisServer.url, 'command', { name: 'recovery-spec' });
  logServer = createServer(serveLog({ dataSource: fx.db.dataSource, producer: 'engagement', secret: SECRET }));
  await new Promise<void>((resolve) => logServer.listen(0, '127.0.0.1', resolve));
  logUrl = `http://127.0.0.1:${(logServer.address() as AddressInfo).port}`;
});
beforeEach(async () => {
  connections = createRedisConnections(redisServer.url, { owner: 'recovery-spec', log });
  await redis.flushall();
  await fx.db.dataSource.query('TRUNCATE outbox, inbox, effects, event_positions, event_watermarks');
  // numbering starts again at 1 for each case
});
afterEach(async () => {
  await Promise.all([...relays.splice(0), ...consumers.splice(0)].map((p) => p.stop()));
  await connections.close();
});
afterAll(async () => {
  redis.disconnect();
  await new Promise((resolve) => logServer.close(resolve));
  await redisServer.destroy();
  await fx.stop();
});

const like = () => {
  const episodeId = randomUUID();
  return fx.db.dataSource.transaction((tx) => recordEvent(tx, EpisodeLiked, episodeId, likePayload(episodeId, randomUUID())));
};
const likes = async (n: number): Promise<string[]> => {
  const ids: string[] = [];
  for (let i = 0; i < n; i++) ids.push(await like());
  return ids;
};

function relay(options: Partial<RelayOptions> = {}): OutboxRelay {
  const created = new OutboxRelay({ dataSource: fx.db.dataSource, redis: connections, prefix, producer: 'engagement', log, pollMs: 20, maintainEveryMs: 60_000, ...options });
  relays.push(created);
  created.start();
  return created;
}

async function consumer(options: Partial<ConsumerOptions> = {}): Promise<EventConsumer> {
  const created = new EventConsumer({
    dataSource: fx.db.dataSource,
    redis: connections,
    prefix,
    group: 'test',
    producers: ['engagement'],
    handlers: [recordEffect()],
    log,
    blockMs: 100,
    reclaimIdleMs: 300,
    logs: new ProducerLogs({ redis, prefix, secret: SECRET, urls: { engagement: logUrl } }),
    recoverEveryMs: 100,
    recovery: { gapGraceMs: 300, tailGraceMs: 60_000 },
    ...options,
  });
  consumers.push(created);
  await created.start();
  return created;
}

const relayedAll = () => eventually(async () => Number((await fx.db.dataSource.query('SELECT count(*)::int AS n FROM outbox WHERE seq IS NULL'))[0].n) === 0, 10_000, 20);
/** Each sent event's effect, exactly once. */
const appliedOnce = async (ids: string[], timeoutMs = 10_000) => {
  const rows = await eventually(async () => {
    const r = await effects(fx.db);
    return r.length >= ids.length && r;
  }, timeoutMs, 50);
  expect(rows.map((r) => r.event_id).sort()).toEqual([...ids].sort());
};

describe('the producer\'s durable log', () => {
  it('numbers relayed events 1, 2, 3… in stream order without gaps, even with two relays', async () => {
    relay();
    relay();
    await likes(30);
    await relayedAll();
    const entries = (await redis.xrange(stream, '-', '+')) as [string, string[]][];
    const seqs = entries.map(([, fields]) => Number(fields[fields.indexOf('seq') + 1]));
    expect(seqs).toEqual(Array.from({ length: 30 }, (_, i) => i + 1));
    const page = await new ProducerLogs({ redis, prefix, secret: SECRET, urls: { engagement: logUrl } }).page('engagement', 10, 5);
    expect(page).toMatchObject({ producer: 'engagement', head: 30, tail: 1 });
    expect(page.events.map((e) => e.seq)).toEqual([11, 12, 13, 14, 15]);
    expect(page.events[0]).toMatchObject({ type: 'engagement.EpisodeLiked', version: 1, publishedAt: expect.any(String) });
  });

  it('is served only to signed requests, with clear errors for bad parameters', async () => {
    const get = (pathAndQuery: string, headers: Record<string, string> = {}) => fetch(logUrl + pathAndQuery, { headers });
    expect((await get(`${EVENT_LOG_PATH}?after=0`)).status).toBe(401);
    expect((await get(`${EVENT_LOG_PATH}?after=0`, signLogRequest('another-secret-of-enough-length-here', `${EVENT_LOG_PATH}?after=0`))).status).toBe(401);
    // signed for another query: refused
    expect((await get(`${EVENT_LOG_PATH}?after=5`, signLogRequest(SECRET, `${EVENT_LOG_PATH}?after=0`))).status).toBe(401);
    // a stale signature
    expect((await get(`${EVENT_LOG_PATH}?after=0`, signLogRequest(SECRET, `${EVENT_LOG_PATH}?after=0`, Date.now() - 120_000))).status).toBe(401);
    const bad = await get(`${EVENT_LOG_PATH}?after=-1`, signLogRequest(SECRET, `${EVENT_LOG_PATH}?after=-1`));
    expect(bad.status).toBe(400);
    expect(await bad.json()).toEqual({ error: expect.stringContaining('non-negative integers') });
  });

  it('prunes sent events past its retention, keeping the newest so numbering goes on', async () => {
    const r = relay({ logRetentionMs: 60_000 });
    await likes(5);
    await relayedAll();
    await fx.db.dataSource.query(`UPDATE outbox SET published_at = now() - interval '2 minutes'`);
    expect(await r.maintainOnce()).toMatchObject({ pruned: 4 });
    await likes(2);
    await relayedAll();
    expect((await fx.db.dataSource.query('SELECT seq::int FROM outbox ORDER BY seq')).map((row: { seq: number }) => row.seq)).toEqual([5, 6, 7]);
  });
});

describe('the stream, trimmed', () => {
  it('keeps entries until every group has acknowledged them and the retention has passed', async () => {
    const r = relay({ streamRetentionMs: 0 });
    await redis.xgroup('CREATE', stream, 'slow', '0', 'MKSTREAM');
    await consumer();
    await appliedOnce(await likes(10));
    // "slow" has read nothing: nothing goes
    expect((await r.maintainOnce()).trimmed).toBe(0);
    expect(await redis.xlen(stream)).toBe(10);
    // "slow" reads four and acknowledges three: the fourth is pending, so it and what follows stay
    const read = (await redis.xreadgroup('GROUP', 'slow', 'c', 'COUNT', 4, 'STREAMS', stream, '>')) as [string, [string, string[]][]][];
    await redis.xack(stream, 'slow', ...read[0][1].slice(0, 3).map(([id]) => id));
    expect((await r.maintainOnce()).trimmed).toBe(3);
    expect(await redis.xlen(stream)).toBe(7);
    // within the retention nothing goes, acknowledged or not
    await redis.xack(stream, 'slow', read[0][1][3][0]);
    const kept = new OutboxRelay({ dataSource: fx.db.dataSource, redis: connections, prefix, producer: 'engagement', log, streamRetentionMs: 3_600_000 });
    expect((await kept.maintainOnce()).trimmed).toBe(0);
    await kept.stop();
  });

  it('lets a context that starts after the trim catch up from the log', async () => {
    const r = relay({ streamRetentionMs: 0 });
    await consumer({ group: 'early' });
    const ids = await likes(12);
    await eventually(async () => (await effects(fx.db)).length === 12, 10_000, 50);
    await r.maintainOnce();
    expect(await redis.xlen(stream)).toBe(0);
    await fx.db.dataSource.query('TRUNCATE effects');
    // a new context: its group starts on an empty stream, the history comes from the log
    await consumer({ group: 'late', recovery: { gapGraceMs: 300, tailGraceMs: 300 } });
    await appliedOnce(ids);
  });
});

describe('recovery from lost transport state', () => {
  it('applies from the log what Redis lost while the consumer was behind, each once', async () => {
    relay();
    const lost = await likes(10);
    await relayedAll();
    // Redis comes back empty (a wiped volume, a failover to a lagging replica) before the consumer read them
    await redis.flushall();
    const metrics = createRegistry('spec', { processMetrics: false });
    await consumer({ metrics });
    const after = await likes(5);
    await appliedOnce([...lost, ...after]);
    await new Promise((resolve) => setTimeout(resolve, 500));
    // nothing applied twice, even with the log and the stream both delivering
    expect(await effects(fx.db)).toHaveLength(15);
    const recovered = (await metrics.getMetricsAsJSON()).find((m) => m.name === 'wavegraph_events_recovered_total');
    expect(recovered?.values.find((v) => v.labels.producer === 'engagement')?.value).toBe(10);
  });

  it('recovers the newest events too once its stream has nothing more for it, without waiting out the tail grace', async () => {
    relay();
    const lost = await likes(6);
    await relayedAll();
    await redis.flushall();
    // nothing arrives after them: only the drained stream tells they are not on their way
    await consumer({ recovery: { gapGraceMs: 300, tailGraceMs: 600_000 } });
    await appliedOnce(lost, 8_000);
  });

  it('recovers at once when its group vanishes under it (NOGROUP), without waiting for a check', async () => {
    let held = true;
    const holding = recordEffect();
    const handler = { ...holding, apply: async (...args: Parameters<typeof holding.apply>) => {
      while (held) await new Promise((resolve) => setTimeout(resolve, 20));
      await holding.apply(...args);
    } };
    relay();
    // the periodic comparison is far away: only the reset can bring the events back in time
    await consumer({ handlers: [handler], batchSize: 1, recoverEveryMs: 600_000 });
    const ids = await likes(8);
    await relayedAll();
    await eventually(async () => ((await redis.xpending(stream, 'test')) as [number])[0] === 1, 5_000, 20);
    await redis.flushall();
    held = false;
    await appliedOnce(ids, 8_000);
  });

  it('re-reads the log on an operator\'s command, without waiting out the grace period', async () => {
    relay();
    const graces = { recovery: { gapGraceMs: 600_000, tailGraceMs: 600_000 } };
    await consumer(graces);
    const first = await likes(3);
    await appliedOnce(first);
    // lost with nothing after them while the consumer was away: only a check after the (long) grace period would find them
    await consumers.splice(0).map((c) => c.stop())[0];
    const lost = await likes(4);
    await relayedAll();
    await redis.del(stream);
    await redis.xgroup('CREATE', stream, 'test', '$', 'MKSTREAM');
    await consumer(graces);
    await new Promise((resolve) => setTimeout(resolve, 400));
    expect(await effects(fx.db)).toHaveLength(3);
    const lines: string[] = [];
    const code = await runEventsCli(['recover', 'test', '--wait', '5'], { redis, prefix, out: (line) => lines.push(line) });
    expect(code).toBe(0);
    expect(lines.join('\n')).toMatch(/engagement: 4 applied from the log/);
    await appliedOnce([...first, ...lost]);
  });

  it('reports on /ready and in a metric while it finds events the transport did not deliver', async () => {
    relay();
    const metrics = createRegistry('spec', { processMetrics: false });
    let failing = true;
    const effect = recordEffect();
    const stubborn = { ...effect, apply: async (...args: Parameters<typeof effect.apply>) => {
      if (failing) throw new Error('projection table is locked');
      await effect.apply(...args);
    } };
    await consumer({ handlers: [stubborn], metrics, maxDeliveries: 1000, recovery: { gapGraceMs: 300, tailGraceMs: 300 } });
    const ids = await likes(3);
    const c = consumers[0];
    // a round may see the likes' gaps before the last of them was written: wait for all three
    await eventually(async () => c.recovery?.behind()?.[0]?.missing === 3, 5_000, 50);
    expect(c.recovery?.behind()).toEqual([{ producer: 'engagement', missing: 3 }]);
    // the handler keeps failing: they stay missing, in the gauge alerts watch
    await eventually(async () => c.recovery?.lastRound?.producers[0].missing === 3, 5_000, 50);
    const missing = (await metrics.getMetricsAsJSON()).find((m) => m.name === 'wavegraph_consumer_missing_events');
    expect(missing?.values.find((v) => v.labels.producer === 'engagement')?.value).toBe(3);
    failing = false;
    await appliedOnce(ids);
    await eventually(async () => (c.recovery?.behind() ?? []).length === 0, 5_000, 50);
  });

  it('moves over numbers older than the log keeps, and says they are lost for good', async () => {
    const r = relay({ logRetentionMs: 1 });
    await likes(6);
    await relayedAll();
    await new Promise((resolve) => setTimeout(resolve, 20));
    await r.maintainOnce();
    await redis.flushall();
    await consumer({ recovery: { gapGraceMs: 0, tailGraceMs: 0 } });
    const round = await consumers[0].recovery!.check();
    expect(round.producers[0]).toMatchObject({ producer: 'engagement', head: 6, watermark: 6, unrecoverable: 5, recovered: 1 });
  });
});

describe('the live consumer', () => {
  it('dead-letters an entry without a valid type instead of passing over it', async () => {
    await consumer();
    await redis.xadd(stream, '*', 'event', '{}');
    await redis.xadd(stream, '*', 'type', 'not a type', 'event', '{}');
    const letters = await eventually(async () => {
      const l = await listDeadLetters(redis, prefix, 'test');
      return l.length === 2 && l;
    });
    expect(letters.map((l) => l.reason)).toEqual(['entry has no valid "type" field (got null)', 'entry has no valid "type" field (got "not a type")']);
  });

  it('removes consumers that stopped reading once nothing is pending with them', async () => {
    // two replicas that went away: one holding nothing, one still holding an entry it read
    await redis.xgroup('CREATE', stream, 'test', '0', 'MKSTREAM');
    const held = await redis.xadd(stream, '*', 'type', 'engagement.EpisodeLiked@1', 'event', '{}');
    await redis.xreadgroup('GROUP', 'test', 'gone-holding', 'COUNT', 1, 'STREAMS', stream, '>');
    await redis.xgroup('CREATECONSUMER', stream, 'test', 'gone-idle');
    const c = await consumer({ deadConsumerIdleMs: 300, reclaimIdleMs: 60_000 });
    const names = async () => ((await redis.xinfo('CONSUMERS', stream, 'test')) as string[][]).map((info) => String(info[1])).filter((name) => name !== c.name).sort();
    // not idle for long yet: kept
    expect((await c.maintainOnce()).removedConsumers).toEqual([]);
    await new Promise((resolve) => setTimeout(resolve, 400));
    expect((await c.maintainOnce()).removedConsumers).toEqual(['gone-idle']);
    // the one whose entry is pending stays until a living consumer has claimed it
    expect(await names()).toEqual(['gone-holding']);
    await redis.xclaim(stream, 'test', c.name, 0, held as string);
    expect((await c.maintainOnce()).removedConsumers).toEqual(['gone-holding']);
    expect(await names()).toEqual([]);
  });
});
