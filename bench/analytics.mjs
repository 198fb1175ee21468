// Analytics' store, ClickHouse against Postgres in the same run (the two adapters of the port):
// - ingestion: rows per second through the store's insert (the flusher's batches, with the
//   event-id check that keeps redelivered batches from counting twice), from Node;
// - query latency: a 90-day daily series of one episode (downloads, unique listeners, seconds
//   listened) over BENCH_PLAYS (10 million) plays generated server-side (numbers() in ClickHouse,
//   generate_series in Postgres): ClickHouse answers from its rollups (AggregatingMergeTree
//   materialized views) and, for the engine alone, with the same aggregation over the raw rows
//   that Postgres runs (index on (episode_id, day)).
// - and the same insert with the event-id check a retried batch gets (ClickHouse only: Postgres'
//   ON CONFLICT always checks).
//   node bench/analytics.mjs [--no-build]   BENCH_PLAYS, BENCH_EPISODES, BENCH_INGEST_ROWS, BENCH_QUERY_RUNS
import { randomUUID } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { checkServices, ensureSystemTools, installAndBuild, root } from '../scripts/setup.mjs';
import { percentile, withPg } from './lib.mjs';

const require = createRequire(import.meta.url);
const { startClickHouse } = require('../scripts/clickhouse.cjs');
const analytics = (file) => require(path.join(root, 'subgraphs/analytics/dist', file));
const { DataSource } = require(path.join(root, 'subgraphs/analytics/node_modules/typeorm'));

const PLAYS = Number(process.env.BENCH_PLAYS ?? 10_000_000);
const EPISODES = Number(process.env.BENCH_EPISODES ?? 100);
const LISTENERS = 200_000;
const INGEST_ROWS = Number(process.env.BENCH_INGEST_ROWS ?? 200_000);
const BATCH = 5000;
const QUERY_RUNS = Number(process.env.BENCH_QUERY_RUNS ?? 20);
const FROM = '2026-01-01';
const TO = '2026-03-31'; // 90 days
const DATABASE = 'wavegraph_bench_analytics';

if (!process.argv.includes('--no-build')) {
  checkServices();
  ensureSystemTools(['clickhouse']);
  installAndBuild();
}

const { ClickHouseStore } = analytics('store/clickhouse.store.js');
const { PostgresStore } = analytics('store/postgres.store.js');
const pgUrl = (db) => `postgres://postgres@127.0.0.1:5432/${db}`;
const episodeUuid = (k) => `00000000-0000-4000-8000-${String(100000000000 + k)}`;
const seconds = (ms) => (ms / 1000).toFixed(1);

async function timed(fn) {
  const started = process.hrtime.bigint();
  const value = await fn();
  return { ms: Number(process.hrtime.bigint() - started) / 1e6, value };
}

/** Latencies of `runs` calls after 3 warm-up calls, ascending. */
async function latencies(fn, runs = QUERY_RUNS) {
  for (let i = 0; i < 3; i++) await fn();
  const samples = [];
  for (let i = 0; i < runs; i++) samples.push((await timed(fn)).ms);
  return samples.sort((a, b) => a - b);
}

function playRows(count) {
  const day = new Date(`${FROM}T00:00:00Z`);
  return Array.from({ length: count }, (_, i) => {
    const at = new Date(day.getTime() + (i % 90) * 86_400_000 + (i % 86_400) * 1000);
    return {
      eventId: randomUUID(), at, day: at.toISOString().slice(0, 10), episodeId: episodeUuid(i % EPISODES), listenerId: randomUUID(), sessionId: randomUUID(),
      clientApp: i % 3 ? 'Apple Podcasts' : 'Wavegraph Web', listenedSeconds: 30, positionSeconds: (i * 30) % 3600, completed: false,
    };
  });
}

async function ingest(store, rows) {
  const { ms } = await timed(async () => {
    for (let i = 0; i < rows.length; i += BATCH) await store.insertPlays(rows.slice(i, i + BATCH), { fresh: true });
  });
  return rows.length / (ms / 1000);
}

const dir = await mkdtemp(path.join(tmpdir(), 'wavegraph-bench-analytics-'));
const clickhouse = process.env.ANALYTICS_CLICKHOUSE_URL ? null : await startClickHouse({ dir: path.join(dir, 'clickhouse') });
const clickhouseUrl = process.env.ANALYTICS_CLICKHOUSE_URL ?? clickhouse.url;
await withPg(pgUrl('postgres'), async (c) => {
  await c.query(`DROP DATABASE IF EXISTS ${DATABASE} WITH (FORCE)`);
  await c.query(`CREATE DATABASE ${DATABASE}`);
});
const dataSource = new DataSource({ type: 'postgres', url: pgUrl(DATABASE), extra: { max: 4 } });
await dataSource.initialize();
const ingestCh = new ClickHouseStore({ url: clickhouseUrl, database: 'bench_ingest' });
const bulkCh = new ClickHouseStore({ url: clickhouseUrl, database: 'bench_bulk' });
const ingestPg = new PostgresStore(dataSource, 'ingest_');
const bulkPg = new PostgresStore(dataSource, 'bulk_');

try {
  for (const store of [ingestCh, bulkCh]) {
    await store.drop();
    await store.prepare();
  }
  await ingestPg.prepare();
  await bulkPg.prepare();

  // ingestion through the port, the same rows into both
  const rows = playRows(INGEST_ROWS);
  const chRate = await ingest(ingestCh, rows);
  const pgRate = await ingest(ingestPg, rows);
  const retried = playRows(INGEST_ROWS);
  const { ms: retriedMs } = await timed(async () => {
    for (let i = 0; i < retried.length; i += BATCH) await ingestCh.insertPlays(retried.slice(i, i + BATCH));
  });
  const chCheckedRate = retried.length / (retriedMs / 1000);

  // 10 million plays, generated where they are stored
  const episodeSql = (n) => `concat('00000000-0000-4000-8000-', toString(100000000000 + ${n} % ${EPISODES}))`;
  const chLoad = await timed(async () => {
    const { createClient } = require(path.join(root, 'subgraphs/analytics/node_modules/@clickhouse/client'));
    const client = createClient({ url: clickhouseUrl, request_timeout: 600_000, log: { level: 127 } });
    await client.command({
      query: `INSERT INTO bench_bulk.plays SELECT toString(number), toDateTime(toDate('${FROM}') + cityHash64(number) % 90) + number % 86400, toDate('${FROM}') + cityHash64(number) % 90,
        ${episodeSql('number')}, concat('00000000-0000-4000-9000-', toString(100000000000 + cityHash64(number, 1) % ${LISTENERS})),
        concat(toString(cityHash64(number, 1) % ${LISTENERS}), '-', toString(number % ${EPISODES}), '-', toString(cityHash64(number) % 90)),
        if(number % 3 = 0, 'Wavegraph Web', 'Apple Podcasts'), toUInt32(cityHash64(number, 2) % 60), toUInt32(number % 3600), 0
        FROM numbers(${PLAYS})`,
    });
    // the rollups' parts are merged in the background: latencies are measured once that is over
    for (;;) {
      const [{ merges }] = await (await client.query({ query: 'SELECT count() AS merges FROM system.merges', format: 'JSONEachRow' })).json();
      if (Number(merges) === 0) break;
      await new Promise((resolve) => setTimeout(resolve, 500));
    }
    await client.close();
  });
  const pgLoad = await timed(async () => {
    await dataSource.query('DROP INDEX bulk_plays_episode_day; DROP INDEX bulk_plays_listener; ALTER TABLE bulk_plays DROP CONSTRAINT bulk_plays_pkey');
    // hashtext stands in for cityHash64: the same shape of data, not the same rows
    await dataSource.query(`
      INSERT INTO bulk_plays
      SELECT md5(g::text)::uuid, date '${FROM}' + (abs(hashtext(g::text)) % 90) + make_interval(secs => g % 86400), date '${FROM}' + (abs(hashtext(g::text)) % 90),
        ('00000000-0000-4000-8000-' || (100000000000 + g % ${EPISODES})::text)::uuid,
        ('00000000-0000-4000-9000-' || (100000000000 + abs(hashtext('l' || g)) % ${LISTENERS})::text)::uuid,
        md5((abs(hashtext('l' || g)) % ${LISTENERS})::text || '-' || (g % ${EPISODES})::text || '-' || (abs(hashtext(g::text)) % 90)::text)::uuid,
        CASE WHEN g % 3 = 0 THEN 'Wavegraph Web' ELSE 'Apple Podcasts' END, abs(hashtext('s' || g)) % 60, g % 3600, false
      FROM generate_series(0, ${PLAYS - 1}) g`);
    await dataSource.query('CREATE INDEX bulk_plays_episode_day ON bulk_plays (episode_id, day)');
    await dataSource.query('ANALYZE bulk_plays');
  });

  const scope = { episodeIds: [episodeUuid(7)], fromDay: FROM, toDay: TO };
  const chSeries = await bulkCh.series(scope, 'DAY');
  const pgSeries = await bulkPg.series(scope, 'DAY');
  const sum = (points, key) => points.reduce((total, p) => total + p[key], 0);
  const ch = await latencies(() => bulkCh.series(scope, 'DAY'));
  const pg = await latencies(() => bulkPg.series(scope, 'DAY'));
  // ClickHouse without its rollups: the aggregation Postgres runs, over the raw rows
  const { createClient } = require(path.join(root, 'subgraphs/analytics/node_modules/@clickhouse/client'));
  const raw = createClient({ url: clickhouseUrl });
  const rawSql = `SELECT toString(day) AS d, sum(listened_seconds) AS seconds, uniqExact(listener_id) AS listeners FROM bench_bulk.plays
    WHERE episode_id = '${episodeUuid(7)}' AND day >= toDate('${FROM}') AND day <= toDate('${TO}') GROUP BY d`;
  const chRaw = await latencies(async () => (await raw.query({ query: rawSql, format: 'JSONEachRow' })).json());
  await raw.close();

  const row = (name, s) => `| ${name} | ${percentile(s, 50).toFixed(1)} | ${percentile(s, 95).toFixed(1)} |`;
  console.log(`
## Analytics store: ClickHouse ${clickhouse ? '(Debian 18.16, our own process)' : `at ${clickhouseUrl}`} vs Postgres, same run

Ingestion through the store port (${INGEST_ROWS.toLocaleString('en')} plays, batches of ${BATCH} as the flusher sends them on a first attempt):
| store | rows/s |
|---|---|
| ClickHouse | ${Math.round(chRate).toLocaleString('en')} |
| ClickHouse, event ids checked (a retried batch) | ${Math.round(chCheckedRate).toLocaleString('en')} |
| Postgres | ${Math.round(pgRate).toLocaleString('en')} |
| ratio | ${(chRate / pgRate).toFixed(1)}× |

Generating ${PLAYS.toLocaleString('en')} plays server-side: ClickHouse ${seconds(chLoad.ms)} s (rollups filled on insert, background merges included), Postgres ${seconds(pgLoad.ms)} s (with its index and ANALYZE).

90-day daily series of one episode (~${Math.round(PLAYS / EPISODES).toLocaleString('en')} plays; ${chSeries.length} / ${pgSeries.length} days; ${sum(chSeries, 'listeningSeconds')} / ${sum(pgSeries, 'listeningSeconds')} s listened), ${QUERY_RUNS} runs:
| store | p50 ms | p95 ms |
|---|---|---|
${row('ClickHouse (rollups)', ch)}
${row('ClickHouse (raw rows)', chRaw)}
${row('Postgres (raw rows, index)', pg)}
ratio Postgres / ClickHouse (p50): ${(percentile(pg, 50) / percentile(ch, 50)).toFixed(1)}× (rollups), ${(percentile(pg, 50) / percentile(chRaw, 50)).toFixed(1)}× (raw)
`);
} finally {
  for (const store of [ingestCh, bulkCh]) await store.drop().catch(() => undefined);
  await Promise.all([ingestCh.close(), bulkCh.close()]);
  await dataSource.destroy();
  await withPg(pgUrl('postgres'), (c) => c.query(`DROP DATABASE IF EXISTS ${DATABASE} WITH (FORCE)`));
  await clickhouse?.stop();
  await rm(dir, { recursive: true, force: true });
}
