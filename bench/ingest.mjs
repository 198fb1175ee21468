// Ingest: seconds to import a generated feed of BENCH_INGEST_EPISODES (500) episodes into catalog
// (fetch, parse, create the show, create every episode published through catalog's API, 100 per importEpisodes call, map
// guids, complete with its event), enclosure downloads off, against parsing the same feed alone
// (the floor: what no import can avoid) in the same run. A re-poll of the unchanged feed (no 304:
// every item is read and found unchanged) is a third row. In-process: catalog and ingest subgraphs
// on fresh databases, the ingest worker beside them, the feed on 127.0.0.1.
//
//   node bench/ingest.mjs        (installs and builds first; --no-build when bench/run.mjs did)
import { createServer } from 'node:http';
import { createRequire } from 'node:module';
import { cpus, loadavg } from 'node:os';
import path from 'node:path';
import { randomBytes, randomUUID } from 'node:crypto';
import { checkServices, installAndBuild, root } from '../scripts/setup.mjs';

process.env.LOG_LEVEL ??= 'warn';
// the subgraphs' event backbones sign internal log reads with it; the bench's own, like the tests'
process.env.WAVEGRAPH_GATEWAY_SECRET ??= randomBytes(32).toString('hex');
const require = createRequire(import.meta.url);
checkServices();
if (!process.argv.includes('--no-build')) installAndBuild();
// the build's output, loaded once it exists
const testkit = require(path.join(root, 'packages/testkit/dist/index.js'));
const { catalogModule } = require(path.join(root, 'subgraphs/catalog/dist/index.js'));
const { createIngestModule, startIngestWorker } = require(path.join(root, 'subgraphs/ingest/dist/index.js'));
const { parseFeedXml } = require(path.join(root, 'subgraphs/ingest/dist/feed/feed.parse.js'));

const EPISODES = Number(process.env.BENCH_INGEST_EPISODES ?? 500);
const RUNS = Number(process.env.BENCH_INGEST_RUNS ?? 3);
const PARSE_RUNS = 10;
// known episodes updated in catalog at once per import (the worker's INGEST_CATALOG_CONCURRENCY)
const CONCURRENCY = Number(process.env.BENCH_INGEST_CONCURRENCY ?? 4);

function feedXml(episodes) {
  const items = [];
  for (let i = episodes; i >= 1; i--) {
    const date = new Date(Date.UTC(2020, 0, 1) + i * 86_400_000).toUTCString();
    items.push(`<item><title>Episode ${i}: a title of ordinary length</title><guid isPermaLink="false">bench-${i}</guid>
      <description><![CDATA[<p>Show notes for episode ${i}, with <a href="https://example.com/${i}">a link</a> and a few sentences of text about what is discussed.</p>]]></description>
      <pubDate>${date}</pubDate><enclosure url="https://cdn.example.com/bench/${i}.mp3" length="${1_000_000 + i}" type="audio/mpeg"/>
      <itunes:duration>00:42:00</itunes:duration><itunes:episode>${i}</itunes:episode><itunes:season>1</itunes:season></item>`);
  }
  return `<?xml version="1.0" encoding="UTF-8"?><rss version="2.0" xmlns:itunes="http://www.itunes.com/dtds/podcast-1.0.dtd"><channel>
    <title>Bench Cast</title><link>https://example.com</link><language>en</language><description>A generated feed</description>
    <itunes:category text="Technology"/><itunes:image href="https://example.com/art.jpg"/>${items.join('')}</channel></rss>`;
}

const median = (values) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];
const now = () => performance.now();

async function main() {
  const xml = feedXml(EPISODES);
  const parse = [];
  for (let i = 0; i < PARSE_RUNS; i++) {
    const started = now();
    const feed = parseFeedXml(xml);
    parse.push((now() - started) / 1000);
    if (feed.items.length !== EPISODES) throw new Error(`parsed ${feed.items.length} items`);
  }

  const server = createServer((_req, res) => res.writeHead(200, { 'content-type': 'application/rss+xml' }).end(xml));
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${server.address().port}/feed.xml`;
  const catalog = await testkit.startTestSubgraph(catalogModule);
  const ingest = await testkit.startTestSubgraph(createIngestModule({ retry: { attempts: 1, backoffMs: 100 }, limits: { minPollMinutes: 1, maxOpmlFeeds: 10 } }));
  const worker = await startIngestWorker({
    databaseUrl: ingest.database.url, redisUrl: testkit.TEST_REDIS_URL, prefix: ingest.redisPrefix, catalogUrl: catalog.running.url,
    gatewaySecret: testkit.TEST_GATEWAY_SECRET, fetchPolicy: { allowPrivateNetworks: true, timeoutMs: 30_000, maxBytes: 50 * 1024 * 1024 },
    userAgent: 'wavegraph-bench', retry: { attempts: 1, backoffMs: 100 }, enclosures: null, catalogConcurrency: CONCURRENCY,
  });
  const until = async (owner, id) => {
    for (;;) {
      const res = await ingest.call('query($id: ID!) { ingestJob(id: $id) { status reason counts { created updated } } }', { id }, owner);
      const job = res.data?.ingestJob;
      if (job && (job.status === 'COMPLETED' || job.status === 'FAILED')) return job;
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
  };
  const imports = [];
  const repolls = [];
  try {
    for (let run = 0; run < RUNS; run++) {
      const owner = { id: randomUUID(), role: 'USER', plan: 'FREE' };
      const started = now();
      const res = await ingest.call('mutation($url: String!) { importShowFromFeed(url: $url) { id sourceId } }', { url }, owner);
      const job = await until(owner, res.data.importShowFromFeed.id);
      imports.push((now() - started) / 1000);
      if (job.status !== 'COMPLETED' || job.counts.created !== EPISODES) throw new Error(`import: ${JSON.stringify(job)}`);
      const again = now();
      const next = await worker.poll(res.data.importShowFromFeed.sourceId);
      await worker.runner.run(next, true);
      const repolled = await until(owner, next);
      repolls.push((now() - again) / 1000);
      if (repolled.counts.created !== 0 || repolled.counts.updated !== 0) throw new Error(`re-poll: ${JSON.stringify(repolled)}`);
    }
  } finally {
    await worker.close();
    await ingest.stop();
    await catalog.stop();
    server.close();
  }
  const rows = [
    { what: `parse only (${EPISODES} items)`, seconds: median(parse), runs: PARSE_RUNS },
    { what: `import into catalog (${EPISODES} episodes, ${CONCURRENCY} at once)`, seconds: median(imports), runs: RUNS },
    { what: 're-poll, feed unchanged (no 304)', seconds: median(repolls), runs: RUNS },
  ];
  console.log(`ingest bench: ${cpus().length} CPUs, load ${loadavg()[0].toFixed(2)}`);
  for (const row of rows) console.log(`${row.what.padEnd(56)} ${row.seconds.toFixed(3).padStart(8)} s  (median of ${row.runs})`);
  console.log(`per episode: ${((median(imports) * 1000) / EPISODES).toFixed(2)} ms; import / parse: ${(median(imports) / median(parse)).toFixed(0)}x`);
  console.log(JSON.stringify({ bench: 'ingest', episodes: EPISODES, rows }));
  process.exit(0);
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
