// The event backbone on its own (outbox → relay → transport → consumer → inbox + effect), on a
// private Redis and databases of its own, in one process:
//   1. throughput (a backlog drained as fast as it goes) and publish→apply lag at a steady rate;
//   2. Redis memory under a sustained rate for several retention windows, trimmed vs not
//      trimmed (the same load in the same run: the baseline);
//   3. rebuilding discovery's read model from the producers' durable logs vs from Redis streams
//      holding the same history (BENCH_REBUILD_EVENTS, default 1,000,000).
// Transports: BENCH_TRANSPORTS (default every one the events package offers); parts: BENCH_PARTS
// (default throughput,memory,rebuild).
import { spawn } from 'node:child_process';
import { createServer } from 'node:http';
import { createRequire } from 'node:module';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { randomBytes, randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { checkServices, installAndBuild, root } from '../scripts/setup.mjs';
import { percentile, withPg } from './lib.mjs';

if (!process.argv.includes('--no-build')) {
  checkServices();
  installAndBuild();
}

const require = createRequire(import.meta.url);
const events = require(path.join(root, 'packages/events/dist/index.js'));
const kit = require(path.join(root, 'packages/kit/dist/index.js'));
const testkit = require(path.join(root, 'packages/testkit/dist/index.js'));
const discovery = require(path.join(root, 'subgraphs/discovery/dist/index.js'));

const THROUGHPUT_EVENTS = Number(process.env.BENCH_THROUGHPUT_EVENTS ?? 20_000);
const LAG_RATE = Number(process.env.BENCH_LAG_RATE ?? 500); // events/s offered for the lag samples
const LAG_SECONDS = Number(process.env.BENCH_LAG_SECONDS ?? 10);
const MEMORY_RATE = Number(process.env.BENCH_MEMORY_RATE ?? 400);
const RETENTION_MS = Number(process.env.BENCH_RETENTION_MS ?? 10_000);
const MEMORY_SECONDS = Number(process.env.BENCH_MEMORY_SECONDS ?? 60);
const REBUILD_EVENTS = Number(process.env.BENCH_REBUILD_EVENTS ?? 1_000_000);
const PARTS = new Set((process.env.BENCH_PARTS ?? 'throughput,memory,rebuild').split(','));
const SECRET = randomBytes(32).toString('hex');
const log = kit.createLogger('bench-backbone');
log.level = 'error';

const pgUrl = (db) => `postgres://postgres@127.0.0.1:5432/${db}`;
const dbName = (what) => `wavegraph_bench_backbone_${what}`;

async function freshDb(what) {
  const name = dbName(what);
  await withPg(pgUrl('postgres'), async (c) => {
    await c.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
    await c.query(`CREATE DATABASE "${name}"`);
  });
  return pgUrl(name);
}

async function dropDbs() {
  await withPg(pgUrl('postgres'), async (c) => {
    for (const what of ['producer', 'consumer', 'catalog', 'engagement', 'media', 'discovery']) await c.query(`DROP DATABASE IF EXISTS "${dbName(what)}" WITH (FORCE)`);
  });
}

/** The events tables (outbox as a producer's log; inbox, positions and an effect table as a consumer's). */
class BackboneTables1700000000000 {
  name = 'BackboneTables1700000000000';
  async up(runner) {
    await events.createOutboxTable(runner);
    await events.addOutboxLog(runner);
    await events.createInboxTable(runner);
    await events.createPositionTables(runner);
    await runner.query('CREATE TABLE effects (event_id uuid PRIMARY KEY, applied_at timestamptz NOT NULL DEFAULT clock_timestamp())');
  }
  async down() {}
}

async function openTables(url) {
  return kit.openDatabase({ url, entities: [], migrations: [BackboneTables1700000000000], logger: log, poolSize: 12 });
}

async function privateRedis() {
  const port = await testkit.freePort();
  const dir = await mkdtemp(path.join(tmpdir(), 'wavegraph-bench-backbone-redis-'));
  const child = spawn('redis-server', ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', '--dir', dir], { stdio: 'ignore' });
  const url = `redis://127.0.0.1:${port}`;
  const probe = kit.connectRedis(url, 'command', { name: 'bench:probe' });
  for (let i = 0; i < 100; i += 1) {
    try {
      await probe.ping();
      break;
    } catch {
      await sleep(50);
    }
  }
  return {
    url,
    client: probe,
    usedMemory: async () => Number(/used_memory:(\d+)/.exec(await probe.info('memory'))[1]),
    stop: async () => {
      probe.disconnect();
      child.kill('SIGTERM');
      await new Promise((resolve) => child.once('exit', resolve));
      await rm(dir, { recursive: true, force: true });
    },
  };
}

const likePayload = (episodeId) => ({ episodeId, userId: randomUUID(), likedAt: new Date().toISOString() });

/** A producer/consumer pair on `transport` (redis or nats), with `applied` recording when each event was applied. */
async function backbonePair({ redisUrl, natsUrl, transport = 'redis', producerDb, consumerDb, prefix, relayOptions = {}, consumerOptions = {} }) {
  const connections = kit.createRedisConnections(redisUrl, { owner: 'bench', log });
  const opened = await events.openEventTransport(
    { kind: transport, nats: { ...events.DEFAULT_JETSTREAM, servers: natsUrl ?? events.DEFAULT_JETSTREAM.servers } },
    connections,
    prefix,
  );
  const applied = new Map();
  const handler = events.on(events.EpisodeLiked, async (event, tx) => {
    await tx.query('INSERT INTO effects (event_id) VALUES ($1) ON CONFLICT DO NOTHING', [event.id]);
  });
  const relay = new events.OutboxRelay({ dataSource: producerDb.dataSource, redis: connections, prefix, producer: 'engagement', log, transport: opened.relay, ...relayOptions });
  const consumer = new events.EventConsumer({
    dataSource: consumerDb.dataSource, redis: connections, prefix, group: 'bench', producers: ['engagement'], handlers: [handler], log,
    transport: opened.consumer, batchSize: 200, afterApply: (list) => {
      const now = performance.now();
      for (const event of list) applied.set(event.id, now);
    },
    ...consumerOptions,
  });
  await consumer.start();
  relay.start();
  return {
    relay, consumer, applied,
    stop: async () => {
      await relay.stop();
      await consumer.stop();
      await opened.close();
      await connections.close();
    },
  };
}

async function resetTables(...dbs) {
  for (const db of dbs) await db.dataSource.query('TRUNCATE outbox, inbox, event_positions, event_watermarks, effects');
}

const record = (db) => {
  const episodeId = randomUUID();
  return db.dataSource.transaction((tx) => events.recordEvent(tx, events.EpisodeLiked, episodeId, likePayload(episodeId)));
};

/** Offers `rate` events/s for `seconds` from a few writers; resolves each event's commit time. */
async function offer(db, rate, seconds) {
  const committed = new Map();
  const started = performance.now();
  const total = Math.round(rate * seconds);
  let next = 0;
  const writer = async () => {
    for (;;) {
      const i = next++;
      if (i >= total) return;
      const due = started + (i * 1000) / rate;
      const wait = due - performance.now();
      if (wait > 0) await sleep(wait);
      const id = await record(db);
      committed.set(id, performance.now());
    }
  };
  await Promise.all(Array.from({ length: 8 }, writer));
  return committed;
}

async function untilApplied(applied, count, timeoutMs = 300_000) {
  const deadline = Date.now() + timeoutMs;
  while (applied.size < count) {
    if (Date.now() > deadline) throw new Error(`only ${applied.size} of ${count} events applied`);
    await sleep(5);
  }
}

async function throughputAndLag(env, transport) {
  await resetTables(env.producerDb, env.consumerDb);
  // the backlog is written first (not measured), then the relay and consumer start on it
  await env.producerDb.dataSource.query(
    `INSERT INTO outbox (event_id, type, version, aggregate_id, occurred_at, payload)
     SELECT e, 'engagement.EpisodeLiked', 1, ep::text, now(), jsonb_build_object('episodeId', ep, 'userId', gen_random_uuid(), 'likedAt', to_char(now() AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"'))
     FROM (SELECT gen_random_uuid() AS e, gen_random_uuid() AS ep FROM generate_series(1, $1)) g`,
    [THROUGHPUT_EVENTS],
  );
  const startedAt = performance.now();
  const pair = await backbonePair({ ...env, transport, prefix: `bench-t-${process.pid}-${Date.now()}` });
  await untilApplied(pair.applied, THROUGHPUT_EVENTS);
  const eventsPerSecond = THROUGHPUT_EVENTS / ((performance.now() - startedAt) / 1000);
  pair.applied.clear();
  const committed = await offer(env.producerDb, LAG_RATE, LAG_SECONDS);
  await untilApplied(pair.applied, committed.size);
  const lags = [...committed].map(([id, at]) => pair.applied.get(id) - at).sort((a, b) => a - b);
  await pair.stop();
  return { eventsPerSecond, lagP50: percentile(lags, 50), lagP99: percentile(lags, 99), samples: lags.length };
}

/** Stream memory (Redis used_memory above the empty server's) sampled while a steady rate flows through. */
async function memoryUnderLoad(env, trimmed) {
  await resetTables(env.producerDb, env.consumerDb);
  const redis = await privateRedis();
  try {
    const empty = await redis.usedMemory();
    const pair = await backbonePair({
      ...env, redisUrl: redis.url, prefix: 'bench-m',
      relayOptions: { streamRetentionMs: trimmed ? RETENTION_MS : Number.MAX_SAFE_INTEGER, maintainEveryMs: 1_000 },
    });
    const samples = [];
    const sampler = (async () => {
      const started = Date.now();
      while (Date.now() - started < MEMORY_SECONDS * 1000) {
        await sleep(5_000);
        samples.push({ at: (Date.now() - started) / 1000, bytes: (await redis.usedMemory()) - empty, entries: await redis.client.xlen(events.streamOf('bench-m', 'engagement')) });
      }
    })();
    await offer(env.producerDb, MEMORY_RATE, MEMORY_SECONDS);
    await sampler;
    await pair.stop();
    const half = samples.filter((s) => s.at > MEMORY_SECONDS / 2);
    const slope = half.length > 1 ? (half[half.length - 1].bytes - half[0].bytes) / (half[half.length - 1].at - half[0].at) : 0;
    return { final: samples[samples.length - 1], slope, samples };
  } finally {
    await redis.stop();
  }
}

/** Shows, episodes and their likes and plays: the history discovery's read model is built from. */
async function writeHistory(catalogDb, engagementDb, total) {
  const shows = Math.max(10, Math.round(total / 2000));
  const episodes = Math.max(100, Math.round(total / 50));
  const activity = total - shows - episodes;
  const ts = `to_char(now() AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"')`;
  await catalogDb.dataSource.query(`CREATE TABLE bench_shows AS SELECT gen_random_uuid() AS id, gen_random_uuid() AS owner, n FROM generate_series(1, $1) n`, [shows]);
  await catalogDb.dataSource.query(`CREATE TABLE bench_episodes AS SELECT gen_random_uuid() AS id, n FROM generate_series(1, $1) n`, [episodes]);
  await catalogDb.dataSource.query(
    `INSERT INTO outbox (event_id, type, version, aggregate_id, occurred_at, payload, published_at, seq)
     SELECT gen_random_uuid(), 'catalog.ShowCreated', 1, s.id::text, now(),
            jsonb_build_object('showId', s.id, 'ownerId', s.owner, 'slug', 'show-' || s.n, 'title', 'Show ' || s.n, 'description', 'About things number ' || s.n,
                               'category', 'SCIENCE', 'language', 'en', 'artworkUrl', null),
            now(), s.n
     FROM bench_shows s`,
  );
  await catalogDb.dataSource.query(
    `INSERT INTO outbox (event_id, type, version, aggregate_id, occurred_at, payload, published_at, seq)
     SELECT gen_random_uuid(), 'catalog.EpisodePublished', 1, e.id::text, now(),
            jsonb_build_object('episodeId', e.id, 'showId', s.id, 'ownerId', s.owner, 'title', 'Episode ' || e.n || ' of a long running series',
                               'description', 'What happened in part ' || e.n, 'seasonNumber', 1, 'episodeNumber', e.n, 'status', 'PUBLISHED', 'publishedAt', ${ts}),
            now() + make_interval(secs => e.n / 1000.0), $1::int + e.n
     FROM bench_episodes e JOIN bench_shows s ON s.n = 1 + (e.n % $1::int)`,
    [shows],
  );
  const episodeIds = (await catalogDb.dataSource.query('SELECT id FROM bench_episodes ORDER BY n')).map((r) => r.id);
  await engagementDb.dataSource.query('CREATE TABLE bench_episodes (n int PRIMARY KEY, id uuid NOT NULL)');
  await engagementDb.dataSource.query('INSERT INTO bench_episodes SELECT n, id FROM unnest($1::uuid[]) WITH ORDINALITY AS t(id, n)', [episodeIds]);
  await engagementDb.dataSource.query(
    `INSERT INTO outbox (event_id, type, version, aggregate_id, occurred_at, payload, published_at, seq)
     SELECT gen_random_uuid(),
            CASE WHEN g % 10 < 7 THEN 'engagement.PlayRecorded' ELSE 'engagement.EpisodeLiked' END, 1, e.id::text, now(),
            CASE WHEN g % 10 < 7
              THEN jsonb_build_object('episodeId', e.id, 'userId', gen_random_uuid(), 'positionSeconds', 0, 'completed', false, 'counted', true)
              ELSE jsonb_build_object('episodeId', e.id, 'userId', gen_random_uuid(), 'likedAt', ${ts}) END,
            now() + make_interval(secs => 60 + g / 1000.0), g
     FROM generate_series(1, $1::int) g JOIN bench_episodes e ON e.n = 1 + (g % $2::int)`,
    [activity, episodes],
  );
  return { shows, episodes, activity };
}

/** The same history on Redis streams, as a relay would have written it (nothing trimmed). */
async function copyToStreams(redis, prefix, logs) {
  for (const producer of ['catalog', 'engagement']) {
    const stream = events.streamOf(prefix, producer);
    let pipeline = redis.pipeline();
    let queued = 0;
    for await (const { publishedAt, ...event } of logs.events(producer, 0, 2_000)) {
      pipeline.xadd(stream, '*', ...events.encodeEnvelope(event));
      if (++queued % 2_000 === 0) {
        await pipeline.exec();
        pipeline = redis.pipeline();
      }
    }
    await pipeline.exec();
  }
}

async function serve(dataSource, producer) {
  const server = createServer(events.serveLog({ dataSource, producer, secret: SECRET }));
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { server, url: `http://127.0.0.1:${server.address().port}` };
}

async function rebuilds() {
  const catalogDb = await openTables(await freshDb('catalog'));
  const engagementDb = await openTables(await freshDb('engagement'));
  // discovery also replays media's log (transcripts); this history has none, but the log is read
  const mediaDb = await openTables(await freshDb('media'));
  const discoveryDb = await kit.openDatabase({ url: await freshDb('discovery'), entities: discovery.discoveryModule.entities, migrations: discovery.discoveryModule.migrations, logger: log, poolSize: 4 });
  const redis = await privateRedis();
  const servers = [await serve(catalogDb.dataSource, 'catalog'), await serve(engagementDb.dataSource, 'engagement'), await serve(mediaDb.dataSource, 'media')];
  const prefix = 'bench-r';
  const logs = new events.ProducerLogs({ redis: redis.client, prefix, secret: SECRET, urls: { catalog: servers[0].url, engagement: servers[1].url, media: servers[2].url } });
  try {
    const written = Date.now();
    const history = await writeHistory(catalogDb, engagementDb, REBUILD_EVENTS);
    await copyToStreams(redis.client, prefix, logs);
    console.error(`history of ${REBUILD_EVENTS} events written in ${((Date.now() - written) / 1000).toFixed(0)} s (${JSON.stringify(history)})`);
    const timed = async (from) => {
      const started = performance.now();
      const result = await discovery.rebuildProjections({ dataSource: discoveryDb.dataSource, redis: redis.client, prefix, log, from });
      const seconds = (performance.now() - started) / 1000;
      const docs = Number((await discoveryDb.dataSource.query('SELECT count(*)::int AS n FROM episode_docs'))[0].n);
      return { ...result, seconds, eventsPerSecond: result.replayed / seconds, docs };
    };
    const fromStreams = await timed('streams');
    const fromLogs = await timed({ logs });
    return { fromStreams, fromLogs, streamMemory: await redis.usedMemory() };
  } finally {
    for (const { server } of servers) await new Promise((resolve) => server.close(resolve));
    await redis.stop();
    await Promise.all([catalogDb, engagementDb, mediaDb, discoveryDb].map((db) => db.dataSource.destroy()));
  }
}

const mb = (bytes) => `${(bytes / 1024 / 1024).toFixed(1)} MB`;

async function main() {
  const producerDb = await openTables(await freshDb('producer'));
  const consumerDb = await openTables(await freshDb('consumer'));
  const redis = await privateRedis();
  // JetStream on a server of this run's own, as Redis is
  const nats = await testkit.startPrivateNats();
  const env = { redisUrl: redis.url, natsUrl: nats.url, producerDb, consumerDb };
  try {
    if (PARTS.has('throughput')) await throughputPart(env);
    if (PARTS.has('memory')) await memoryPart(env);
    if (PARTS.has('rebuild') && REBUILD_EVENTS > 0) await rebuildPart();
  } finally {
    await nats.destroy();
    await redis.stop();
    await producerDb.dataSource.destroy();
    await consumerDb.dataSource.destroy();
    await dropDbs();
  }
}

async function throughputPart(env) {
  const rows = [];
  const transports = (process.env.BENCH_TRANSPORTS ?? 'redis,nats').split(',');
  for (const transport of transports) {
    if (!['redis', 'nats'].includes(transport)) throw new Error(`unknown transport ${transport}`);
    rows.push({ transport: transport === 'redis' ? 'Redis Streams' : `NATS JetStream (${events.DEFAULT_JETSTREAM.partitions} partitions)`, ...(await throughputAndLag(env, transport)) });
  }
  const base = rows[0];
  console.log(`\n## Event backbone: throughput and publish→apply lag (${THROUGHPUT_EVENTS} events backlog; ${LAG_RATE} events/s offered for ${LAG_SECONDS} s)\n`);
  console.log('| transport | events/s (backlog) | lag p50 ms | lag p99 ms | events/s vs first row | p99 vs first row |');
  console.log('|---|---:|---:|---:|---:|---:|');
  for (const r of rows) console.log(`| ${r.transport} | ${r.eventsPerSecond.toFixed(0)} | ${r.lagP50.toFixed(1)} | ${r.lagP99.toFixed(1)} | ${(r.eventsPerSecond / base.eventsPerSecond).toFixed(2)}x | ${(r.lagP99 / base.lagP99).toFixed(2)}x |`);
}

async function memoryPart(env) {
  const untrimmed = await memoryUnderLoad(env, false);
  const trimmed = await memoryUnderLoad(env, true);
  console.log(`\n## Redis memory: ${MEMORY_RATE} events/s for ${MEMORY_SECONDS} s, stream retention ${RETENTION_MS / 1000} s\n`);
  console.log('| streams | stream entries at the end | memory at the end | growth over the second half | memory vs untrimmed |');
  console.log('|---|---:|---:|---:|---:|');
  for (const [name, m] of [['not trimmed (baseline)', untrimmed], ['trimmed once acknowledged and past retention', trimmed]]) {
    console.log(`| ${name} | ${m.final.entries} | ${mb(m.final.bytes)} | ${mb(m.slope)}/s | ${(m.final.bytes / untrimmed.final.bytes).toFixed(2)}x |`);
  }
  console.log(`\nsamples (s: MB) trimmed: ${trimmed.samples.map((s) => `${s.at.toFixed(0)}: ${(s.bytes / 1048576).toFixed(1)}`).join(', ')}`);
  console.log(`samples (s: MB) not trimmed: ${untrimmed.samples.map((s) => `${s.at.toFixed(0)}: ${(s.bytes / 1048576).toFixed(1)}`).join(', ')}`);
}

async function rebuildPart() {
  const r = await rebuilds();
  console.log(`\n## Rebuilding discovery over ${REBUILD_EVENTS} events\n`);
  console.log('| source | events replayed | applied | seconds | events/s | vs Redis streams |');
  console.log('|---|---:|---:|---:|---:|---:|');
  for (const [name, x] of [['Redis streams (baseline)', r.fromStreams], ["producers' durable logs", r.fromLogs]]) {
    console.log(`| ${name} | ${x.replayed} | ${x.applied} | ${x.seconds.toFixed(1)} | ${x.eventsPerSecond.toFixed(0)} | ${(x.eventsPerSecond / r.fromStreams.eventsPerSecond).toFixed(2)}x |`);
  }
  if (r.fromLogs.docs !== r.fromStreams.docs) throw new Error(`the two rebuilds disagree: ${r.fromLogs.docs} vs ${r.fromStreams.docs} episode docs`);
  console.log(`\nBoth rebuilds give ${r.fromLogs.docs} searchable episodes; holding this history in Redis took ${mb(r.streamMemory)}.`);
}

await main();
process.exit(0);
