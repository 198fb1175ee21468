// Shared by the benchmarks: a bench copy of the whole stack (own databases, ports and Redis
// prefix, so a developer's running stack and data are untouched), a GraphQL client, and a small
// load generator that reports ops/s and latency percentiles.
import { randomBytes } from 'node:crypto';
import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { constants, tmpdir } from 'node:os';
import path from 'node:path';
import { root } from '../scripts/setup.mjs';
import { startStack } from '../scripts/processes.mjs';
import { GATEWAY, SUBGRAPHS } from '../scripts/services.mjs';

const require = createRequire(import.meta.url);

/** A fresh secret per run: the stack runs with NODE_ENV=production, which refuses short or published ones. */
export const BENCH_SECRET = randomBytes(32).toString('hex');
const { Client } = require(path.join(root, 'packages/testkit/node_modules/pg'));
const { dropRedisPrefix } = require(path.join(root, 'packages/testkit/dist/index.js'));
const { startClickHouse } = require('../scripts/clickhouse.cjs');

/**
 * A benchmark sends ad-hoc operations from one address at rates no plan allows: the gateway's
 * limits stay on (their cost is part of what is measured) with ceilings it cannot reach.
 */
export const BENCH_GATEWAY_LIMITS = {
  GATEWAY_TRUSTED_DOCUMENTS: 'allow',
  ...Object.fromEntries(['ANONYMOUS', 'FREE', 'PREMIUM', 'STAFF'].map((plan) => [`GATEWAY_RATE_${plan}`, '1000000000'])),
  GATEWAY_REGISTER_PER_IP_PER_HOUR: '1000000000', GATEWAY_REGISTER_PER_EMAIL_PER_HOUR: '1000000000', GATEWAY_LOGIN_PER_IP_PER_MINUTE: '1000000000',
  GATEWAY_WS_CONNECTIONS_PER_MINUTE: '1000000000', GATEWAY_WS_SUBSCRIBES_PER_MINUTE: '1000000000', GATEWAY_WS_MAX_CONNECTIONS_PER_USER: '100000',
};

const postgresUrl = (database) => `postgres://postgres@127.0.0.1:5432/${database}`;

/** Runs `fn` with a connected pg client on `url` and always disconnects. */
export async function withPg(url, fn) {
  const client = new Client({ connectionString: url });
  await client.connect();
  try {
    return await fn(client);
  } finally {
    await client.end();
  }
}

async function dropDatabases(names) {
  await withPg(postgresUrl('postgres'), async (client) => {
    for (const name of names) await client.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
  });
}

/** Temp dirs of earlier runs of bench `name` that were killed before they could remove them. */
async function removeTempDirs(name) {
  const prefix = `wavegraph-bench-${name}-`;
  const entries = await readdir(tmpdir()).catch(() => []);
  await Promise.all(entries.filter((entry) => entry.startsWith(prefix)).map((entry) => rm(path.join(tmpdir(), entry), { recursive: true, force: true })));
}

/**
 * Starts the stack for benchmark `name` on `portOffset`, in production mode, with a fresh
 * database per subgraph of scripts/services.json (`wavegraph_bench_<name>_<context>`; each
 * subgraph creates and migrates its own on start), its own Redis prefix and its own temp dir
 * (`dir`): media keeps its files below it (never in the developer's var/media) and hands out
 * upload and playback URLs on this stack's gateway; a bench may put its own files there too.
 * Every subgraph gets its database URL: one left out would silently use the developer's default
 * database. stop() stops the processes, then drops the databases and the Redis keys and removes
 * the temp dir; it runs once, also on SIGINT/SIGTERM, since the children sit in their own process
 * groups and a Ctrl-C would otherwise leave them running. `subgraphEnv` goes to the subgraphs only;
 * `env` is what every process got (a bench starting a gateway of its own gives it the same).
 */
export async function startBenchStack({ name, portOffset, secret, subgraphEnv = {} }) {
  // BENCH_DATABASE_PREFIX and BENCH_REDIS_PREFIX keep a run apart from another one on the same services
  const databases = Object.fromEntries(SUBGRAPHS.map((s) => [s.name, `${process.env.BENCH_DATABASE_PREFIX ?? 'wavegraph_bench_'}${name}_${s.name}`]));
  const redisPrefix = `${process.env.BENCH_REDIS_PREFIX ?? 'wgbench'}-${name}-${process.pid}`;
  // a killed run's files (tus uploads, stored media) would otherwise stay behind for good
  await removeTempDirs(name);
  const dir = await mkdtemp(path.join(tmpdir(), `wavegraph-bench-${name}-`));
  const origin = `http://127.0.0.1:${GATEWAY.port + portOffset}`;
  const env = {
    NODE_ENV: 'production', LOG_LEVEL: 'warn', WAVEGRAPH_GATEWAY_SECRET: secret, REDIS_PREFIX: redisPrefix,
    ...BENCH_GATEWAY_LIMITS,
    // media refuses its development signing secret in production
    MEDIA_SIGNING_SECRET: `${secret}-media`, MEDIA_STORAGE: 'filesystem', MEDIA_DIR: path.join(dir, 'media'), MEDIA_WORK_DIR: path.join(dir, 'media-work'), MEDIA_PUBLIC_URL: origin,
  };
  for (const [context, database] of Object.entries(databases)) env[`${context.toUpperCase()}_DATABASE_URL`] = postgresUrl(database);
  // analytics' store: a ClickHouse of the run's own below `dir` (unless ANALYTICS_CLICKHOUSE_URL names one)
  const clickhouse = process.env.ANALYTICS_CLICKHOUSE_URL ? null : await startClickHouse({ dir: path.join(dir, 'clickhouse') });
  env.ANALYTICS_CLICKHOUSE_URL = process.env.ANALYTICS_CLICKHOUSE_URL ?? clickhouse.url;

  let stack = null;
  let stopping = null;
  const cleanUp = async () => {
    await dropDatabases(Object.values(databases));
    await dropRedisPrefix(redisPrefix);
    await rm(dir, { recursive: true, force: true });
  };
  const onSignal = (signal) => {
    stop().finally(() => process.exit(128 + constants.signals[signal]));
  };
  const stop = () => {
    stopping ??= (async () => {
      process.off('SIGINT', onSignal);
      process.off('SIGTERM', onSignal);
      await stack?.stop();
      await clickhouse?.stop();
      await cleanUp();
    })();
    return stopping;
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);

  // leftovers of an interrupted run would carry its data into this one
  await dropDatabases(Object.values(databases));
  try {
    stack = await startStack({
      portOffset,
      // BENCH_CPU_PROF_DIR: a CPU profile of each process of the stack, written there when it stops
      cpuProfileDir: process.env.BENCH_CPU_PROF_DIR,
      stdio: 'ignore',
      env,
      subgraphEnv,
      // the output is ignored, so a process dying mid-run would otherwise go unnoticed
      onExit: (child, code, signal) => {
        if (!stopping) console.error(`✖ bench ${child} exited (${signal ?? `code ${code}`})`);
      },
    });
  } catch (error) {
    await stop(); // startStack has stopped what it started; the databases remain
    throw error;
  }
  return {
    url: stack.url,
    env: stack.env,
    origin,
    dir,
    databaseUrl: (context) => postgresUrl(databases[context]),
    /** The process id of a service of the stack (to read its memory). */
    pid: (service) => stack.children.find((child) => child.name === service)?.pid,
    stop,
  };
}

/** One GraphQL request; throws on errors, keeping them on `error.errors`. */
export async function graphql(url, query, variables = {}, headers = {}) {
  const res = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: JSON.stringify({ query, variables }) });
  const body = await res.json();
  if (body.errors) throw Object.assign(new Error(JSON.stringify(body.errors)), { errors: body.errors });
  return body.data;
}

/** The p-th percentile of ascending `sorted` (nearest rank, so with few samples p99 is the maximum). */
export const percentile = (sorted, p) => sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];

// A fixed number of concurrent loops for a fixed time, each running one logical operation.
export async function load(name, operation, { concurrency = 16, seconds = 10, warmupSeconds = 2 } = {}) {
  const runFor = async (ms, record) => {
    const until = Date.now() + ms;
    await Promise.all(
      Array.from({ length: concurrency }, async () => {
        while (Date.now() < until) {
          const started = process.hrtime.bigint();
          await operation();
          record?.(Number(process.hrtime.bigint() - started) / 1e6);
        }
      }),
    );
  };
  await runFor(warmupSeconds * 1000);
  const latencies = [];
  const started = Date.now();
  await runFor(seconds * 1000, (ms) => latencies.push(ms));
  const elapsed = (Date.now() - started) / 1000;
  latencies.sort((a, b) => a - b);
  return { name, ops: latencies.length, opsPerSec: latencies.length / elapsed, p50: percentile(latencies, 50), p99: percentile(latencies, 99) };
}

export function table(rows, baseline) {
  const lines = [`| run | ops/s | p50 ms | p99 ms | ops/s vs ${baseline.name} | p50 vs ${baseline.name} |`, '|---|---:|---:|---:|---:|---:|'];
  for (const r of rows) {
    lines.push(
      `| ${r.name} | ${r.opsPerSec.toFixed(0)} | ${r.p50.toFixed(2)} | ${r.p99.toFixed(2)} | ${(r.opsPerSec / baseline.opsPerSec).toFixed(2)}x | ${(r.p50 / baseline.p50).toFixed(2)}x |`,
    );
  }
  return lines.join('\n');
}

const REGISTER = 'mutation($i: RegisterInput!) { register(input: $i) { accessToken } }';
const CREATE_SHOW = 'mutation($i: CreateShowInput!) { createShow(input: $i) { id } }';
const CREATE_EPISODE = 'mutation($i: CreateEpisodeInput!) { createEpisode(input: $i) { id } }';

/** A signed-in user with a show of their own: the gateway, auth headers and the show id. */
export async function creator(gateway, handle) {
  const { register } = await graphql(gateway, REGISTER, {
    i: { email: `${handle}@example.com`, handle, displayName: handle, password: 'benchmark pass' },
  });
  const auth = { authorization: `Bearer ${register.accessToken}` };
  const slug = handle.replaceAll('_', '-');
  const { createShow } = await graphql(gateway, CREATE_SHOW, { i: { slug, title: `Show ${handle}`, category: 'NEWS', language: 'en' } }, auth);
  return { gateway, auth, showId: createShow.id };
}

/** A new DRAFT episode of the creator's show; returns its id. */
export async function createEpisode(user, title) {
  const { createEpisode } = await graphql(user.gateway, CREATE_EPISODE, { i: { showId: user.showId, title } }, user.auth);
  return createEpisode.id;
}
