import { spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import path from 'node:path';
import { dropRedisPrefix, eventually, freshRedisPrefix, TEST_REDIS_URL } from '@wavegraph/testkit';
import { connectRedis, createRedisConnections, type Redis, type RedisConnections } from '@wavegraph/kit';
import { DataSource } from 'typeorm';
import { startPgProxy } from './testing/pg-proxy';
import { appendEvent } from './append';
import { on } from './apply';
import { runEventsCli } from './cli.command';
import { EventConsumer, type ConsumerOptions } from './consumer';
import { EpisodeLiked, ShowFollowed } from './contracts';
import { listDeadLetters } from './dead-letters';
import { createRegistry } from '@wavegraph/metrics';
import { streamOf } from './streams';
import { effects, eventsFixture, likePayload, log, recordEffect, type EventsFixture } from './testing/fixture';

let fx: EventsFixture;
let prefix: string;
let redis: Redis;
const consumers: EventConsumer[] = [];
let connections: RedisConnections;

beforeAll(async () => {
  fx = await eventsFixture();
  redis = connectRedis(TEST_REDIS_URL, 'command', { name: 'consumer-spec' });
});
beforeEach(async () => {
  prefix = freshRedisPrefix();
  connections = createRedisConnections(TEST_REDIS_URL, { owner: 'consumer-spec', log });
  await fx.db.dataSource.query('TRUNCATE effects, inbox');
});
afterEach(async () => {
  await Promise.all(consumers.splice(0).map((c) => c.stop()));
  // the owner closes the connections once its consumers stopped
  await connections.close();
  await dropRedisPrefix(prefix);
});
afterAll(async () => {
  redis.disconnect();
  await fx.stop();
});

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
    maxDeliveries: 3,
    ...options,
  });
  consumers.push(created);
  await created.start();
  return created;
}

const like = (episodeId = randomUUID()) => appendEvent(redis, prefix, EpisodeLiked, episodeId, likePayload(episodeId, randomUUID()));
const cli = async (...args: string[]) => {
  const lines: string[] = [];
  const code = await runEventsCli(args, { redis, prefix, out: (line) => lines.push(line) });
  return { code, output: lines.join('\n') };
};

describe('EventConsumer', () => {
  it('applies every event once, a redelivered one included', async () => {
    await consumer();
    const first = await like();
    await like();
    // the same event published twice (a relay that died before marking it sent)
    await redis.xadd(streamOf(prefix, 'engagement'), '*', 'type', 'engagement.EpisodeLiked@1', 'event', JSON.stringify(first));
    await appendEvent(redis, prefix, ShowFollowed, 'show', { showId: randomUUID(), userId: randomUUID() });
    const rows = await eventually(async () => {
      const r = await effects(fx.db);
      return r.length >= 2 && r;
    });
    await new Promise((r) => setTimeout(r, 300));
    expect(await effects(fx.db)).toHaveLength(2);
    expect(rows.filter((row) => row.event_id === first.id)).toHaveLength(1);
    // events it has no handler for are acknowledged, not dead-lettered
    expect(await listDeadLetters(redis, prefix, 'test')).toEqual([]);
    expect(await redis.xpending(streamOf(prefix, 'engagement'), 'test')).toEqual([0, null, null, null]);
  });

  it('shares the work between the consumers of a group, each event applied once', async () => {
    await consumer({ consumerName: 'a', handlers: [recordEffect('a')] });
    await consumer({ consumerName: 'b', handlers: [recordEffect('b')] });
    const sent = [];
    for (let i = 0; i < 40; i++) sent.push((await like()).id);
    const rows = await eventually(async () => {
      const r = await effects(fx.db);
      return r.length >= 40 && r;
    });
    expect(rows.map((row) => row.event_id).sort()).toEqual([...sent].sort());
  });

  it('dead-letters poison messages with their reason and keeps going', async () => {
    await consumer();
    const stream = streamOf(prefix, 'engagement');
    await redis.xadd(stream, '*', 'type', 'engagement.EpisodeLiked@1', 'event', '{not json');
    const good = await like();
    const bad = { ...good, id: randomUUID(), payload: { episodeId: 'nope' } };
    await redis.xadd(stream, '*', 'type', 'engagement.EpisodeLiked@1', 'event', JSON.stringify(bad));
    const future = { ...good, id: randomUUID(), version: 9 };
    await redis.xadd(stream, '*', 'type', 'engagement.EpisodeLiked@9', 'event', JSON.stringify(future));
    const after = await like();

    const letters = await eventually(async () => {
      const l = await listDeadLetters(redis, prefix, 'test');
      return l.length >= 3 && l;
    });
    expect(letters.map((l) => l.reason)).toEqual([
      'event is not valid JSON',
      expect.stringMatching(/invalid engagement.EpisodeLiked@1 payload/),
      'unknown event engagement.EpisodeLiked version 9',
    ]);
    const rows = await eventually(async () => {
      const r = await effects(fx.db);
      return r.length >= 2 && r;
    });
    expect(rows.map((r) => r.event_id)).toEqual([good.id, after.id]);
    const listed = await cli('dead-letters', 'test');
    expect(listed.output).toContain('unknown event engagement.EpisodeLiked version 9');
    expect(listed.output).toContain('3 dead letter(s) for test');
  });

  it('retries a failing handler, dead-letters it after N deliveries, and replays it on command', async () => {
    let broken = true;
    let calls = 0;
    const flaky = on(EpisodeLiked, async (event, tx) => {
      calls += 1;
      if (broken) throw new Error('projection table is locked');
      await tx.query('INSERT INTO effects (event_id, aggregate_id, position) VALUES ($1, $2, $3)', [event.id, event.aggregateId, event.position]);
    });
    await consumer({ handlers: [flaky] });
    const event = await like();
    const [letter] = await eventually(async () => {
      const l = await listDeadLetters(redis, prefix, 'test');
      return l.length === 1 && l;
    });
    expect(calls).toBe(3);
    expect(letter).toMatchObject({ type: 'engagement.EpisodeLiked@1', deliveries: 3, reason: 'failed 3 deliveries; last error: projection table is locked' });
    expect(await effects(fx.db)).toEqual([]);

    broken = false;
    const replay = await cli('replay', 'test', '--all');
    expect(replay).toMatchObject({ code: 0, output: expect.stringContaining('1 dead letter(s) sent back to test') });
    const rows = await eventually(async () => {
      const r = await effects(fx.db);
      return r.length === 1 && r;
    });
    expect(rows[0].event_id).toBe(event.id);
    expect(await listDeadLetters(redis, prefix, 'test')).toEqual([]);
    // replaying again finds nothing and changes nothing
    expect((await cli('replay', 'test', '--all')).output).toContain('0 dead letter(s)');
  });

  it('reports its lag, pending messages, dead letters and outcomes at each scrape', async () => {
    const metrics = createRegistry('spec', { processMetrics: false });
    const sample = async (name: string, labels: Record<string, string>) => {
      const found = (await metrics.getMetricsAsJSON()).find((m) => m.name === name);
      return found?.values.find((v) => Object.entries(labels).every(([key, value]) => v.labels[key] === value))?.value;
    };
    const stream = streamOf(prefix, 'engagement');
    // two events wait before the consumer exists: the group starts from the beginning, behind by two
    await like();
    await like();
    let held = true;
    const holding = on(EpisodeLiked, async (event, tx) => {
      while (held) await new Promise((resolve) => setTimeout(resolve, 20));
      await tx.query('INSERT INTO effects (event_id, aggregate_id, position) VALUES ($1, $2, $3)', [event.id, event.aggregateId, event.position]);
    });
    await consumer({ handlers: [holding], metrics, batchSize: 1 });
    // one delivered and held, one not yet delivered
    await eventually(async () => (await sample('wavegraph_consumer_pending', { group: 'test', stream })) === 1, 5_000, 50);
    expect(await sample('wavegraph_consumer_lag', { group: 'test', stream })).toBe(1);
    expect(await sample('wavegraph_dead_letters', { group: 'test' })).toBe(0);
    held = false;
    await redis.xadd(stream, '*', 'type', 'engagement.EpisodeLiked@1', 'event', '{not json');
    await eventually(async () => (await sample('wavegraph_dead_letters', { group: 'test' })) === 1, 5_000, 50);
    await eventually(async () => (await sample('wavegraph_consumer_lag', { group: 'test', stream })) === 0 && (await sample('wavegraph_consumer_pending', { group: 'test', stream })) === 0, 5_000, 50);
    expect(await sample('wavegraph_events_handled_total', { group: 'test', outcome: 'applied' })).toBe(2);
    expect(await sample('wavegraph_events_handled_total', { group: 'test', outcome: 'dead_lettered' })).toBe(1);
  });

  it('gives a message to another consumer when its consumer dies mid-handler, and applies it once', async () => {
    const child = spawn(process.execPath, [path.join(__dirname, 'testing/crash-consumer.cjs')], {
      env: { ...process.env, DATABASE_URL: fx.database.url, REDIS_URL: TEST_REDIS_URL, PREFIX: prefix },
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    const exited = new Promise<NodeJS.Signals | null>((resolve) => child.once('exit', (_code, signal) => resolve(signal)));
    await new Promise<void>((resolve, reject) => {
      child.stdout.once('data', () => resolve());
      child.once('exit', (code) => reject(new Error(`crash consumer exited early (${code})`)));
    });
    const event = await like();
    expect(await exited).toBe('SIGKILL');
    // the dead consumer's transaction never committed
    expect(await effects(fx.db)).toEqual([]);

    await consumer({ group: 'crash-test', consumerName: 'survivor', handlers: [recordEffect('survivor')] });
    const rows = await eventually(async () => {
      const r = await effects(fx.db);
      return r.length >= 1 && r;
    });
    await new Promise((r) => setTimeout(r, 400));
    expect(await effects(fx.db)).toEqual([{ event_id: event.id, aggregate_id: event.aggregateId, position: String(event.position), consumer: 'survivor' }]);
    expect(rows).toHaveLength(1);
  });

  it('waits out a database outage without using up deliveries, then applies every event once', async () => {
    const proxy = await startPgProxy();
    const url = new URL(fx.database.url);
    url.port = String(proxy.port);
    const viaProxy = new DataSource({ type: 'postgres', url: url.toString(), extra: { max: 2, connectionTimeoutMillis: 500 } });
    await viaProxy.initialize();
    try {
      await consumer({ dataSource: viaProxy, reclaimIdleMs: 200, maxDeliveries: 2 });
      proxy.down();
      const sent = [];
      for (let i = 0; i < 5; i++) sent.push((await like()).id);
      // several reclaim rounds pass while the database is unreachable
      await new Promise((r) => setTimeout(r, 1500));
      expect(await effects(fx.db)).toEqual([]);
      proxy.up();
      const rows = await eventually(async () => {
        const r = await effects(fx.db);
        return r.length >= 5 && r;
      }, 15_000);
      expect(rows.map((r) => r.event_id).sort()).toEqual([...sent].sort());
      expect(await listDeadLetters(redis, prefix, 'test')).toEqual([]);
    } finally {
      await Promise.all(consumers.splice(0).map((c) => c.stop()));
      await viaProxy.destroy();
      await proxy.close();
    }
  });

  it('explains its commands when used wrongly', async () => {
    expect(await cli('nonsense')).toMatchObject({ code: 2, output: expect.stringContaining('usage:') });
    expect((await cli('replay', 'test', '1-0')).code).toBe(1);
  });
});
