import { spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { headers } from '@nats-io/nats-core';
import { connectRedis, createRedisConnections, type Redis, type RedisConnections } from '@wavegraph/kit';
import { eventually, freshRedisPrefix, startPrivateNats, startPrivateRedis, type PrivateNats, type PrivateRedis } from '@wavegraph/testkit';
import { on } from '../apply';
import { runEventsCli } from '../cli.command';
import { EventConsumer, type ConsumerOptions } from '../consumer';
import { EpisodeLiked } from '../contracts';
import { listDeadLetters } from '../dead-letters';
import { decodeEnvelope, type EventEnvelope } from '../envelope';
import { serveLog } from '../log';
import { ProducerLogs } from '../log-client';
import { recordEvent } from '../outbox';
import { OutboxRelay, type RelayOptions } from '../relay';
import { streamOf } from '../streams';
import { startPgProxy } from '../testing/pg-proxy';
import { DataSource } from 'typeorm';
import { effects, eventsFixture, likePayload, log, recordEffect, type EventsFixture } from '../testing/fixture';
import { JetStreamContext, JetStreamRelay, JetStreamTransport, jetStreamOf, partitionOf, subjectOf } from './jetstream';
import type { ConsumerTransport, RelayTransport } from './port';
import { DEFAULT_JETSTREAM } from './settings';

/*
 * One contract, run once per adapter: what the relay and the consumer promise whatever moves
 * the events. Each adapter runs on servers of its own (a private Redis; a private nats-server
 * beside it), so the fault cases may wipe them.
 */

const SECRET = 'transport-contract-secret-that-is-long-enough';
const PARTITIONS = 4;

interface Adapter {
  name: string;
  /** Whether each aggregate's events are applied in their order even with several replicas (JetStream), or only the newest-position rule holds (Redis). */
  orderedAcrossReplicas: boolean;
  /** Whether a batch sent again is dropped by the server (JetStream's Nats-Msg-Id). */
  dedupesResends: boolean;
  start(): Promise<void>;
  destroy(): Promise<void>;
  /** Per test: the transports under `prefix`. */
  open(prefix: string, redis: RedisConnections): Promise<{ relay?: RelayTransport; consumer?: ConsumerTransport }>;
  closeTest(): Promise<void>;
  /** Ids of the events the transport holds for a producer, in its order. */
  stored(prefix: string): Promise<string[]>;
  /** A message no outbox wrote (a tool, a bug): `type` field and `event` body as given. */
  inject(prefix: string, aggregateId: string, type: string | undefined, body: string): Promise<void>;
  /** The transport comes back without any state. */
  wipe(): Promise<void>;
  /** The server goes away, keeping what it stored, and comes back. */
  goAway(): Promise<void>;
  comeBack(): Promise<void>;
  /** What the crash consumer process needs to read this transport. */
  childEnv(): Record<string, string>;
  redisUrl(): string;
  /** What the operator's CLI reads the transport with (nothing beyond Redis for Redis Streams). */
  jetstream(): JetStreamContext | undefined;
}

function redisAdapter(): Adapter {
  let server: PrivateRedis;
  let client: Redis;
  return {
    name: 'Redis Streams',
    orderedAcrossReplicas: false,
    dedupesResends: false,
    start: async () => {
      server = await startPrivateRedis();
      client = connectRedis(server.url, 'command', { name: 'contract-spec' });
    },
    destroy: async () => {
      client.disconnect();
      await server.destroy();
    },
    open: async () => ({}),
    closeTest: async () => undefined,
    stored: async (prefix) => ((await client.xrange(streamOf(prefix, 'engagement'), '-', '+')) as [string, string[]][]).map(([, fields]) => decodeEnvelope(fields).id),
    inject: async (prefix, _aggregateId, type, body) => {
      await client.xadd(streamOf(prefix, 'engagement'), '*', ...(type === undefined ? [] : ['type', type]), 'event', body);
    },
    wipe: async () => {
      await client.flushall();
    },
    goAway: () => server.stop(),
    comeBack: () => server.start(),
    childEnv: () => ({}),
    redisUrl: () => server.url,
    jetstream: () => undefined,
  };
}

function jetStreamAdapter(): Adapter {
  let nats: PrivateNats;
  let redisServer: PrivateRedis;
  let context: JetStreamContext | undefined;
  const settings = () => ({ ...DEFAULT_JETSTREAM, servers: nats.url, partitions: PARTITIONS, publishTimeoutMs: 1_000 });
  return {
    name: 'NATS JetStream',
    orderedAcrossReplicas: true,
    dedupesResends: true,
    start: async () => {
      [nats, redisServer] = await Promise.all([startPrivateNats(), startPrivateRedis()]);
    },
    destroy: async () => {
      await Promise.all([nats.destroy(), redisServer.destroy()]);
    },
    open: async (prefix, redis) => {
      context = await JetStreamContext.connect(settings(), prefix, 'contract-spec');
      return { relay: new JetStreamRelay(context), consumer: new JetStreamTransport({ context, redis, prefix }) };
    },
    closeTest: async () => {
      await context?.close();
      context = undefined;
    },
    stored: async (prefix) => {
      const ids: string[] = [];
      const info = await context!.jsm.streams.info(jetStreamOf(prefix, 'engagement'));
      for (let seq = info.state.first_seq; seq <= info.state.last_seq && info.state.messages > 0; seq++) {
        const message = await context!.jsm.streams.getMessage(jetStreamOf(prefix, 'engagement'), { seq });
        if (message) ids.push((message.json() as EventEnvelope).id);
      }
      return ids;
    },
    inject: async (prefix, aggregateId, type, body) => {
      await context!.ensureStream('engagement');
      const h = headers();
      if (type !== undefined) h.set('type', type);
      await context!.js.publish(subjectOf(prefix, 'engagement', partitionOf(aggregateId, PARTITIONS)), body, { headers: h });
    },
    wipe: () => nats.wipe(),
    goAway: () => nats.stop(),
    comeBack: () => nats.start(),
    childEnv: () => ({ TRANSPORT: 'nats', NATS_URL: nats.url, NATS_PARTITIONS: String(PARTITIONS) }),
    redisUrl: () => redisServer.url,
    jetstream: () => context,
  };
}

describe.each([redisAdapter(), jetStreamAdapter()])('the event transport contract on $name', (adapter) => {
  let fx: EventsFixture;
  let prefix: string;
  let redis: Redis;
  let connections: RedisConnections;
  let transports: { relay?: RelayTransport; consumer?: ConsumerTransport };
  let logServer: Server;
  let logUrl: string;
  const relays: OutboxRelay[] = [];
  const consumers: EventConsumer[] = [];

  beforeAll(async () => {
    fx = await eventsFixture();
    await adapter.start();
    redis = connectRedis(adapter.redisUrl(), 'command', { name: 'contract-spec' });
    logServer = createServer(serveLog({ dataSource: fx.db.dataSource, producer: 'engagement', secret: SECRET }));
    await new Promise<void>((resolve) => logServer.listen(0, '127.0.0.1', resolve));
    logUrl = `http://127.0.0.1:${(logServer.address() as AddressInfo).port}`;
  }, 60_000);
  beforeEach(async () => {
    prefix = freshRedisPrefix();
    connections = createRedisConnections(adapter.redisUrl(), { owner: 'contract-spec', log });
    transports = await adapter.open(prefix, connections);
    // numbering starts again at 1 for each case
    await fx.db.dataSource.query('TRUNCATE outbox, inbox, effects, event_positions, event_watermarks');
  });
  afterEach(async () => {
    await Promise.all([...relays.splice(0), ...consumers.splice(0)].map((p) => p.stop()));
    await adapter.closeTest();
    await connections.close();
  });
  afterAll(async () => {
    redis.disconnect();
    await new Promise((resolve) => logServer.close(resolve));
    await adapter.destroy();
    await fx.stop();
  });

  const like = (episodeId: string = randomUUID()) => fx.db.dataSource.transaction((tx) => recordEvent(tx, EpisodeLiked, episodeId, likePayload(episodeId, randomUUID())));
  const likes = async (n: number, aggregates?: string[]): Promise<string[]> => {
    const ids: string[] = [];
    for (let i = 0; i < n; i++) ids.push(await like(aggregates?.[i % aggregates.length]));
    return ids;
  };
  const unsent = async () => Number((await fx.db.dataSource.query('SELECT count(*)::int AS n FROM outbox WHERE seq IS NULL'))[0].n);
  const relayedAll = () => eventually(async () => (await unsent()) === 0, 10_000, 20);

  function relay(options: Partial<RelayOptions> = {}, start = true): OutboxRelay {
    const created = new OutboxRelay({ dataSource: fx.db.dataSource, redis: connections, prefix, producer: 'engagement', log, pollMs: 20, maintainEveryMs: 60_000, transport: transports.relay, ...options });
    relays.push(created);
    if (start) created.start();
    return created;
  }

  async function consumer(options: Partial<ConsumerOptions> = {}): Promise<EventConsumer> {
    const created = new EventConsumer({
      dataSource: fx.db.dataSource,
      redis: connections,
      prefix,
      group: 'contract',
      producers: ['engagement'],
      handlers: [recordEffect()],
      log,
      blockMs: 100,
      reclaimIdleMs: 500,
      maxDeliveries: 3,
      transport: transports.consumer,
      ...options,
    });
    consumers.push(created);
    await created.start();
    return created;
  }

  const withLogs = { logs: undefined as unknown as ProducerLogs, recoverEveryMs: 100, recovery: { gapGraceMs: 300, tailGraceMs: 60_000 } };
  const logs = () => ({ ...withLogs, logs: new ProducerLogs({ redis, prefix, secret: SECRET, urls: { engagement: logUrl } }) });

  /** Each sent event's effect, exactly once. */
  const appliedOnce = async (ids: string[], timeoutMs = 15_000) => {
    const rows = await eventually(async () => {
      const r = await effects(fx.db);
      return r.length >= ids.length && r;
    }, timeoutMs, 50);
    // a moment more: nothing arrives twice
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect((await effects(fx.db)).map((r) => r.event_id).sort()).toEqual([...ids].sort());
    return rows;
  };

  it('shares the work between two replicas and keeps each aggregate\'s events in their order', async () => {
    const aggregates = [randomUUID(), randomUUID(), randomUUID()];
    // a newest-position rule, as catalog's snapshots are written: holds under any arrival order
    const newest = new Map<string, number>();
    const handler = (name: string) => {
      const effect = recordEffect(name);
      return on(EpisodeLiked, async (event, tx) => {
        await new Promise((resolve) => setTimeout(resolve, Math.random() * 5));
        await effect.apply(event, tx);
        newest.set(event.aggregateId, Math.max(newest.get(event.aggregateId) ?? 0, event.position));
      });
    };
    await consumer({ consumerName: 'a', handlers: [handler('a')], batchSize: 5 });
    await consumer({ consumerName: 'b', handlers: [handler('b')], batchSize: 5 });
    relay({ batchSize: 7 });
    const ids = await likes(60, aggregates);
    const rows = await appliedOnce(ids);
    expect(new Set(rows.map((r) => r.consumer))).toEqual(new Set(['a', 'b']));
    for (const aggregate of aggregates) {
      const positions = rows.filter((r) => r.aggregate_id === aggregate).map((r) => Number(r.position));
      expect(positions).toHaveLength(20);
      expect(newest.get(aggregate)).toBe(Math.max(...positions));
      // applied (committed) in their order, whichever replica applied each
      if (adapter.orderedAcrossReplicas) expect(positions).toEqual([...positions].sort((x, y) => x - y));
    }
  });

  it('gives an event to another replica when its consumer dies mid-handler, and applies it once', async () => {
    const child = spawn(process.execPath, [path.join(__dirname, '../testing/crash-consumer.cjs')], {
      env: { ...process.env, DATABASE_URL: fx.database.url, REDIS_URL: adapter.redisUrl(), PREFIX: prefix, RECLAIM_IDLE_MS: '500', ...adapter.childEnv() },
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    const exited = new Promise<NodeJS.Signals | null>((resolve) => child.once('exit', (_code, signal) => resolve(signal)));
    await new Promise<void>((resolve, reject) => {
      child.stdout.once('data', () => resolve());
      child.once('exit', (code) => reject(new Error(`crash consumer exited early (${code})`)));
    });
    relay();
    const [id] = await likes(1);
    expect(await exited).toBe('SIGKILL');
    // the dead consumer's transaction never committed
    expect(await effects(fx.db)).toEqual([]);
    await consumer({ group: 'crash-test', consumerName: 'survivor', handlers: [recordEffect('survivor')] });
    const rows = await appliedOnce([id]);
    expect(rows.map((r) => r.consumer)).toEqual(['survivor']);
  });

  it('retries a failing handler, dead-letters it after maxDeliveries, and applies it when the operator replays it', async () => {
    let broken = true;
    let calls = 0;
    const effect = recordEffect();
    const flaky = on(EpisodeLiked, async (event, tx) => {
      calls += 1;
      if (broken) throw new Error('projection table is locked');
      await effect.apply(event, tx);
    });
    await consumer({ handlers: [flaky] });
    relay();
    const [failing] = await likes(1);
    const [letter] = await eventually(async () => {
      const l = await listDeadLetters(redis, prefix, 'contract');
      return l.length === 1 && l;
    }, 15_000);
    expect(calls).toBe(3);
    expect(letter).toMatchObject({ type: 'engagement.EpisodeLiked@1', deliveries: 3, reason: 'failed 3 deliveries; last error: projection table is locked' });
    expect(await effects(fx.db)).toEqual([]);
    // the transport goes on past it (on JetStream the partition was held until then)
    broken = false;
    const after = await likes(2);
    await appliedOnce(after);
    const lines: string[] = [];
    expect(await runEventsCli(['replay', 'contract', '--all'], { redis, prefix, out: (line) => lines.push(line) })).toBe(0);
    expect(lines.join('\n')).toContain('1 dead letter(s) sent back to contract');
    await appliedOnce([...after, failing]);
    expect(await listDeadLetters(redis, prefix, 'contract')).toEqual([]);
  });

  it('dead-letters messages it cannot read, with their reason, and keeps going', async () => {
    await consumer();
    const aggregate = randomUUID();
    const good = { id: randomUUID(), type: 'engagement.EpisodeLiked', version: 1, occurredAt: new Date().toISOString(), aggregateId: aggregate, position: 1, trace: {}, payload: likePayload(aggregate, randomUUID()) };
    // all on one aggregate, so on JetStream one partition: a poison message must not hold it
    await adapter.inject(prefix, aggregate, 'engagement.EpisodeLiked@1', '{not json');
    await adapter.inject(prefix, aggregate, 'engagement.EpisodeLiked@9', JSON.stringify({ ...good, id: randomUUID(), version: 9 }));
    await adapter.inject(prefix, aggregate, undefined, '{}');
    await adapter.inject(prefix, aggregate, 'engagement.EpisodeLiked@1', JSON.stringify(good));
    const letters = await eventually(async () => {
      const l = await listDeadLetters(redis, prefix, 'contract');
      return l.length >= 3 && l;
    }, 10_000);
    expect(letters.map((l) => l.reason)).toEqual(['event is not valid JSON', 'unknown event engagement.EpisodeLiked version 9', 'entry has no valid "type" field (got null)']);
    await appliedOnce([good.id]);
  });

  it('lets a group created late catch up from the first event the transport holds', async () => {
    relay();
    const before = await likes(12, [randomUUID(), randomUUID()]);
    await relayedAll();
    // no producers' logs: only the transport's replay from the start can bring them
    await consumer({ group: 'late' });
    const after = await likes(3);
    await appliedOnce([...before, ...after]);
  });

  it('sends a batch again when the relay dies between publishing and marking it sent, and applies each event once', async () => {
    const ids = await likes(3);
    const crashing = relay({ afterPublish: async () => { throw new Error('killed'); } }, false);
    await expect(crashing.relayOnce()).rejects.toThrow('killed');
    expect(await unsent()).toBe(3);
    expect(await relay({}, false).relayOnce()).toBe(3);
    const stored = await adapter.stored(prefix);
    // Redis holds both copies (the inbox drops the second); JetStream drops the second by its event id
    expect(stored).toEqual(adapter.dedupesResends ? ids : [...ids, ...ids]);
    await consumer();
    await appliedOnce(ids);
  });

  it('waits with backoff while the transport is down, then relays and applies every event once', async () => {
    await consumer();
    relay({ backoff: { baseMs: 50, maxMs: 400 } });
    const first = await likes(2);
    await appliedOnce(first);
    await adapter.goAway();
    let whileDown: string[];
    try {
      whileDown = await likes(5);
      // nothing reaches the transport: the rows wait in the outbox with their error, attempt after attempt
      await eventually(async () => {
        const waiting = (await fx.db.dataSource.query('SELECT attempts, last_error FROM outbox WHERE seq IS NULL')) as { attempts: number; last_error: string | null }[];
        return waiting.length === 5 && waiting.every((row) => row.attempts >= 1 && row.last_error);
      }, 20_000, 100);
      expect(await unsent()).toBe(5);
    } finally {
      await adapter.comeBack();
    }
    await relayedAll();
    await appliedOnce([...first, ...whileDown], 30_000);
  }, 60_000);

  it('waits out a database outage without using up deliveries, then applies every event once', async () => {
    const proxy = await startPgProxy();
    const url = new URL(fx.database.url);
    url.port = String(proxy.port);
    const viaProxy = new DataSource({ type: 'postgres', url: url.toString(), extra: { max: 2, connectionTimeoutMillis: 500 } });
    await viaProxy.initialize();
    try {
      await consumer({ dataSource: viaProxy, reclaimIdleMs: 300, maxDeliveries: 2 });
      proxy.down();
      relay();
      const ids = await likes(5, [randomUUID(), randomUUID()]);
      await relayedAll();
      // several ack windows pass while the database is unreachable
      await new Promise((resolve) => setTimeout(resolve, 2_000));
      expect(await effects(fx.db)).toEqual([]);
      proxy.up();
      await appliedOnce(ids, 20_000);
      expect(await listDeadLetters(redis, prefix, 'contract')).toEqual([]);
    } finally {
      await Promise.all(consumers.splice(0).map((c) => c.stop()));
      await viaProxy.destroy();
      await proxy.close();
    }
  }, 60_000);

  it('shows the operator each producer\'s events and each group\'s backlog', async () => {
    const idle = await consumer({ group: 'idle' });
    await idle.stop();
    relay();
    await likes(3, [randomUUID(), randomUUID(), randomUUID()]);
    await relayedAll();
    const lines: string[] = [];
    expect(await runEventsCli(['streams'], { redis, jetstream: adapter.jetstream(), prefix, out: (line) => lines.push(line) })).toBe(0);
    expect(lines).toEqual([expect.stringMatching(/engagement: 3 event\(s\)$/), expect.stringMatching(/^ {4}group idle: \d+ pending, \d+ not yet read$/)]);
    // a pull still open when the consumer stopped may have taken one and given it back: pending until redelivered
    const [pending, unread] = (lines[1].match(/\d+/g) ?? []).map(Number);
    expect(pending + unread).toBe(3);
  });

  it('applies from the producers\' logs what the transport lost before the consumer read it, each once', async () => {
    relay();
    const lost = await likes(8);
    await relayedAll();
    // the transport comes back empty (a wiped volume, a failover to a lagging replica, a server without its store)
    await adapter.wipe();
    await consumer(logs());
    const after = await likes(4);
    await appliedOnce([...lost, ...after]);
  });

  it('notices the transport losing the group under it, recovers at once from the logs and reads on', async () => {
    let held = true;
    const effect = recordEffect();
    const holding = on(EpisodeLiked, async (event, tx) => {
      while (held) await new Promise((resolve) => setTimeout(resolve, 20));
      await effect.apply(event, tx);
    });
    relay();
    // the periodic comparison is far away: only noticing the reset can bring the events back in time
    await consumer({ ...logs(), handlers: [holding], batchSize: 1, recoverEveryMs: 600_000 });
    const ids = await likes(6, [randomUUID()]);
    await relayedAll();
    await adapter.wipe();
    held = false;
    const more = await likes(2);
    await appliedOnce([...ids, ...more], 20_000);
  });
});
