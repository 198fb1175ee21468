// Event lag: how long after a publishEpisode through the gateway returns the episode is found by
// search through the gateway (catalog outbox → relay → Redis stream → discovery consumer →
// discovery's search). Measured idle, one sample at a time (the same-run baseline), then the
// same way while background clients keep liking, playing and publishing through the gateway.
import { randomBytes } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { checkServices, installAndBuild } from '../scripts/setup.mjs';
import { BENCH_SECRET, createEpisode, creator, graphql, percentile, startBenchStack, withPg } from './lib.mjs';

const samples = Number(process.env.BENCH_SAMPLES ?? 30);
const concurrency = Number(process.env.BENCH_CONCURRENCY ?? 8);
const WARMUP_SAMPLES = 3; // first requests pay for JIT, connection pools and query plans
const LOAD_WARMUP_MS = 2000; // lets the background reach a steady rate before sampling
const POOL = 16; // published episodes the background clients like and play
const POLL_MS = 10;
const TIMEOUT_MS = 30_000;

const PUBLISH = 'mutation($id: ID!) { publishEpisode(id: $id) { id status } }';
const LIKE = 'mutation($id: ID!) { likeEpisode(episodeId: $id) { id likeCount } }';
const UNLIKE = 'mutation($id: ID!) { unlikeEpisode(episodeId: $id) { id likeCount } }';
const PLAY = 'mutation($id: ID!, $s: Int!) { recordPlay(episodeId: $id, positionSeconds: $s) { positionSeconds } }';
const SEARCH = 'query($q: String!) { search(query: $q, first: 5) { edges { node { kind episode { id } } } } }';

// A title word no other episode has: a search for it finds exactly the one probe episode.
const uniqueWord = () => `zq${[...randomBytes(10)].map((b) => String.fromCharCode(97 + (b % 26))).join('')}`;


const publish = (user, id) => graphql(user.gateway, PUBLISH, { id }, user.auth);

/** Polls search until `id` is among the hits for `word`; resolves when that response arrives. */
async function untilSearchable(gateway, word, id) {
  const deadline = Date.now() + TIMEOUT_MS;
  for (;;) {
    const { search } = await graphql(gateway, SEARCH, { q: word });
    if (search.edges.some((edge) => edge.node.episode?.id === id)) return;
    if (Date.now() > deadline) throw new Error(`episode ${id} ("${word}") not searchable after ${TIMEOUT_MS} ms`);
    await sleep(POLL_MS);
  }
}

/**
 * One sample: publish an episode with a unique word, then poll search for it. The lag runs from
 * the publish response to the search response that contains the episode, as a client sees it
 * (so it includes up to one poll interval and one search round trip).
 */
async function sample(user) {
  const word = uniqueWord();
  const id = await createEpisode(user, `Lag probe ${word}`);
  const started = performance.now();
  await publish(user, id);
  const published = performance.now();
  await untilSearchable(user.gateway, word, id);
  return { roundTrip: published - started, lag: performance.now() - published };
}

async function samplesOf(user, count) {
  const results = [];
  for (let i = 0; i < count; i += 1) results.push(await sample(user));
  return { lags: results.map((r) => r.lag), roundTrips: results.map((r) => r.roundTrip) };
}

/** Retries `fn` while it fails with NOT_FOUND: engagement learns of a published episode by event. */
async function whileNotFound(fn) {
  const deadline = Date.now() + TIMEOUT_MS;
  for (;;) {
    try {
      return await fn();
    } catch (error) {
      const notFound = error.errors?.some((e) => e.extensions?.code === 'NOT_FOUND');
      if (!notFound || Date.now() > deadline) throw error;
      await sleep(50);
    }
  }
}

/** Published episodes that engagement already knows, so likes and plays on them succeed. */
async function episodePool(user) {
  const ids = [];
  for (let i = 0; i < POOL; i += 1) {
    const id = await createEpisode(user, `Pool episode ${i}`);
    await publish(user, id);
    ids.push(id);
  }
  for (const id of ids) await whileNotFound(() => graphql(user.gateway, PLAY, { id, s: 0 }, user.auth));
  return ids;
}

/**
 * `users.length` loops, each with its own user, repeating: like or unlike (alternately, so every
 * call changes state and emits an event) a pool episode, record a play of it, create and publish
 * an episode of its own show. Until stop(), which rethrows the first failure of any loop.
 */
function startBackground(users, pool) {
  const state = { running: true, mutations: 0, error: null };
  const run = async (user, index) => {
    const liked = new Set();
    for (let i = index; state.running; i += 1) {
      const id = pool[i % pool.length];
      await graphql(user.gateway, liked.has(id) ? UNLIKE : LIKE, { id }, user.auth);
      if (liked.has(id)) liked.delete(id);
      else liked.add(id);
      state.mutations += 1;
      await graphql(user.gateway, PLAY, { id, s: i % 3600 }, user.auth);
      state.mutations += 1;
      const own = await createEpisode(user, `Background ${index} ${i}`);
      state.mutations += 1;
      await publish(user, own);
      state.mutations += 1;
    }
  };
  const loops = users.map((user, index) =>
    run(user, index).catch((error) => {
      state.running = false;
      state.error ??= error;
    }),
  );
  const stop = async () => {
    state.running = false;
    await Promise.all(loops);
    if (state.error) throw state.error;
  };
  return { state, stop };
}

/** Events discovery has applied so far: its inbox holds one row per event, written with the effect. */
const appliedEvents = (discoveryDb) => withPg(discoveryDb, async (client) => Number((await client.query('SELECT count(*) FROM inbox')).rows[0].count));

function stats(name, values, baseline) {
  const sorted = [...values].sort((a, b) => a - b);
  return { name, p50: percentile(sorted, 50), p99: percentile(sorted, 99), n: sorted.length, baseline };
}

function table(rows) {
  const lines = ['| measurement | p50 ms | p99 ms | samples | p50 vs idle | p99 vs idle |', '|---|---:|---:|---:|---:|---:|'];
  for (const r of rows) {
    const base = r.baseline ?? r;
    lines.push(`| ${r.name} | ${r.p50.toFixed(1)} | ${r.p99.toFixed(1)} | ${r.n} | ${(r.p50 / base.p50).toFixed(2)}x | ${(r.p99 / base.p99).toFixed(2)}x |`);
  }
  return lines.join('\n');
}

if (!process.argv.includes('--no-build')) {
  checkServices();
  installAndBuild();
}
const stack = await startBenchStack({ name: 'events', portOffset: 200, secret: BENCH_SECRET });
try {
  const gateway = stack.url('gateway');
  const prober = await creator(gateway, 'bench_prober');
  const pool = await episodePool(prober);
  const users = await Promise.all(Array.from({ length: concurrency }, (_, i) => creator(gateway, `bench_load_${i}`)));

  await samplesOf(prober, WARMUP_SAMPLES);
  const idle = await samplesOf(prober, samples);

  const background = startBackground(users, pool);
  let loaded;
  let window;
  try {
    await sleep(LOAD_WARMUP_MS);
    const before = { at: performance.now(), mutations: background.state.mutations, events: await appliedEvents(stack.databaseUrl('discovery')) };
    loaded = await samplesOf(prober, samples);
    const after = { at: performance.now(), mutations: background.state.mutations, events: await appliedEvents(stack.databaseUrl('discovery')) };
    const seconds = (after.at - before.at) / 1000;
    window = { seconds, mutationsPerSec: (after.mutations - before.mutations) / seconds, eventsPerSec: (after.events - before.events) / seconds };
  } finally {
    await background.stop();
  }

  const idleLag = stats('publish → searchable lag, idle', idle.lags);
  const idlePublish = stats('publishEpisode round trip, idle', idle.roundTrips);
  const rows = [
    idleLag,
    stats('publish → searchable lag, under load', loaded.lags, idleLag),
    idlePublish,
    stats('publishEpisode round trip, under load', loaded.roundTrips, idlePublish),
  ];
  console.log(`\nPublish → search lag through the gateway, polled every ${POLL_MS} ms; ${samples} samples each, idle then with ${concurrency} background clients; NODE_ENV=production\n`);
  console.log(table(rows));
  console.log(
    `\nBackground during the loaded samples (${window.seconds.toFixed(1)} s): ${window.mutationsPerSec.toFixed(0)} mutations/s through the gateway ` +
      `(like or unlike, recordPlay, createEpisode, publishEpisode), ${window.eventsPerSec.toFixed(0)} events/s applied by discovery.`,
  );
} finally {
  await stack.stop();
}
