// Podcast feeds: GET /feeds/<slug>.xml of a show with 1,000 published episodes (media READY),
// through the gateway, cold (the show's cached feed invalidated before every request, as an event
// does, so each request renders from Postgres, or joins a render of the same generation already
// under way) against cached (served from the cache), in the same run.
import { createRequire } from 'node:module';
import path from 'node:path';
import { root, checkServices, installAndBuild } from '../scripts/setup.mjs';
import { BENCH_SECRET, creator, load, startBenchStack, table, withPg } from './lib.mjs';

const require = createRequire(import.meta.url);
const Redis = require(path.join(root, 'packages/redis/node_modules/ioredis'));
const EPISODES = Number(process.env.BENCH_EPISODES ?? 1000);
const seconds = Number(process.env.BENCH_SECONDS ?? 10);
const concurrency = Number(process.env.BENCH_CONCURRENCY ?? 8);
const portOffset = Number(process.env.BENCH_PORT_OFFSET ?? 700);

if (!process.argv.includes('--no-build')) {
  checkServices();
  installAndBuild();
}
const stack = await startBenchStack({ name: 'feeds', portOffset, secret: BENCH_SECRET });
const redis = new Redis(process.env.REDIS_URL ?? 'redis://127.0.0.1:6379');
try {
  const user = await creator(stack.url('gateway'), 'bench_feed');
  // seeded in one statement each, as catalog's tables and its projection of media's events would hold them
  await withPg(stack.databaseUrl('catalog'), async (db) => {
    await db.query(
      `INSERT INTO episodes (show_id, title, description, season_number, episode_number, status, published_at)
       SELECT $1, 'Episode ' || n, repeat('What this episode is about. ', 20), 1 + n / 100, n, 'PUBLISHED', now() - make_interval(days => $2 - n)
         FROM generate_series(1, $2) AS n`,
      [user.showId, EPISODES],
    );
    await db.query(
      `INSERT INTO feed_media (episode_id, asset_id, ready_at, duration_seconds, renditions, transcript_revision, transcript_language, chapters_revision, chapters_count)
       SELECT id, gen_random_uuid(), now(), 1800 + random() * 1800,
              '[{"name":"aac-128","mimeType":"audio/mp4","sizeBytes":28800000},{"name":"aac-64","mimeType":"audio/mp4","sizeBytes":14400000}]',
              1, 'en-US', 1, 5
         FROM episodes WHERE show_id = $1`,
      [user.showId],
    );
  });
  const feedUrl = `${stack.origin}/feeds/bench-feed.xml`;
  const cacheKey = `${stack.env.REDIS_PREFIX}:catalog:feed:bench-feed`;
  const fetchFeed = async () => {
    const res = await fetch(feedUrl);
    if (res.status !== 200) throw new Error(`feed answered ${res.status}`);
    return res.text();
  };
  const first = await fetchFeed();
  const items = first.split('<item>').length - 1;
  if (items !== EPISODES) throw new Error(`the feed lists ${items} items, not ${EPISODES}`);

  const cold = await load('cold (invalidated per request)', async () => {
    await redis.multi().hincrby(cacheKey, 'gen', 1).hdel(cacheKey, 'xml', 'gzip', 'etag', 'lastModified').exec();
    await fetchFeed();
  }, { concurrency, seconds });
  await fetchFeed();
  const cached = await load('cached', fetchFeed, { concurrency, seconds });

  console.log(`\nGET /feeds/<slug>.xml through the gateway, ${EPISODES} episodes (${(Buffer.byteLength(first) / 1024).toFixed(0)} KiB); ${concurrency} concurrent clients, ${seconds}s each, NODE_ENV=production\n`);
  console.log(table([cold, cached], cold));
} finally {
  redis.disconnect();
  await stack.stop();
}
