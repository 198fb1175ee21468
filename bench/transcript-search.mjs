// Discovery's transcript search on its own database, in one process, each figure against a
// baseline measured in the same run:
//   1. indexing: media's TranscriptPublished applied through discovery's handlers (inbox, row,
//      segments and their tsvectors, one transaction per event, as the live consumer does)
//      against inserting the very same segment rows into a bare table;
//   2. search latency (SearchService, Postgres only: the Redis cache is not in the way) for title
//      words and spoken words, against the search statement as it was before transcripts (title
//      and description only) run on the same data.
// BENCH_EPISODES (default 1,000) episodes, each with a transcript of BENCH_SEGMENTS (default 225:
// fifteen minutes in 4 s segments) segments of about twelve words drawn from a 5,000-word
// vocabulary (Zipf-like, so a few words are spoken everywhere and most rarely); BENCH_SAMPLES
// (default 200) searches per row, the rows of each phase sampled in turn.
import { randomUUID } from 'node:crypto';
import { createRequire } from 'node:module';
import path from 'node:path';
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
// discovery's own code, as built: the bench runs what the subgraph runs
const discoveryDist = (file) => require(path.join(root, 'subgraphs/discovery/dist', file));
const { discoveryModule } = discoveryDist('index.js');
const { DISCOVERY_GROUP, discoveryHandlers } = discoveryDist('projection/projection.js');
const { SearchService } = discoveryDist('search/search.service.js');
const { HEADLINE_OPTIONS } = discoveryDist('search/search.highlight.js');
const { toPrefixTsQuery } = discoveryDist('search/search.query.js');

const EPISODES = Number(process.env.BENCH_EPISODES ?? 1_000);
const SEGMENTS = Number(process.env.BENCH_SEGMENTS ?? 225);
const SAMPLES = Number(process.env.BENCH_SAMPLES ?? 200);
const VOCABULARY = 5_000;
const TITLE_WORDS = 50;
const log = kit.createLogger('bench-transcripts');
log.level = 'error';

const pgUrl = (db) => `postgres://postgres@127.0.0.1:5432/${db}`;
const DB = 'wavegraph_bench_transcripts_discovery';

/** The search statement before transcripts (as of ff859b8): title (A) and description (B) only. */
const SEARCH_BEFORE_TRANSCRIPTS = `
  WITH q AS (SELECT to_tsquery('simple', $1) AS tsq, $2::text AS raw),
  hits AS (
    SELECT 'EPISODE' AS kind, e.episode_id AS id, ts_rank_cd(e.search, q.tsq) + word_similarity(q.raw, e.title) AS score
    FROM q, episode_docs e JOIN show_docs s ON s.show_id = e.show_id
    WHERE e.status = 'PUBLISHED' AND (e.search @@ q.tsq OR q.raw <% e.title)
      AND ($3::text IS NULL OR s.category = $3) AND ($4::text IS NULL OR s.language = $4)
      AND $5::text IS DISTINCT FROM 'SHOW'
    UNION ALL
    SELECT 'SHOW', s.show_id, ts_rank_cd(s.search, q.tsq) + word_similarity(q.raw, s.title)
    FROM q, show_docs s
    WHERE (s.search @@ q.tsq OR q.raw <% s.title)
      AND ($3::text IS NULL OR s.category = $3) AND ($4::text IS NULL OR s.language = $4)
      AND $5::text IS DISTINCT FROM 'EPISODE'
  ),
  page AS (SELECT * FROM hits ORDER BY score DESC, kind, id LIMIT $6 OFFSET $7),
  docs AS (
    SELECT p.*, COALESCE(e.title, s.title) AS title, COALESCE(e.description, s.description) AS description
    FROM page p
    LEFT JOIN episode_docs e ON p.kind = 'EPISODE' AND e.episode_id = p.id
    LEFT JOIN show_docs s ON p.kind = 'SHOW' AND s.show_id = p.id
  )
  SELECT d.kind, d.id, d.score::float8 AS score,
    CASE
      WHEN to_tsvector('simple', d.description) @@ q.tsq THEN ts_headline('simple', d.description, q.tsq, $8)
      WHEN to_tsvector('simple', d.title) @@ q.tsq THEN ts_headline('simple', d.title, q.tsq, $8)
    END AS headline
  FROM docs d, q
  ORDER BY d.score DESC, d.kind, d.id`;

// a seeded generator: every run indexes the same text
function mulberry32(seed) {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
const random = mulberry32(14);
const SYLLABLES = ['ka', 'lo', 'mi', 'ne', 'ru', 'ta', 'vo', 'shi', 'pa', 'de', 'gro', 'ben', 'tul', 'mar', 'sen', 'dri'];
const pseudoWord = (n) => {
  let word = '';
  for (let x = n + SYLLABLES.length; x > 0; x = Math.floor(x / SYLLABLES.length)) word += SYLLABLES[x % SYLLABLES.length];
  return word;
};
const vocabulary = Array.from({ length: VOCABULARY }, (_, i) => pseudoWord(i + 1_000));
const titleWords = Array.from({ length: TITLE_WORDS }, (_, i) => `topic${pseudoWord(i)}`);
// Zipf-like: rank r drawn with probability ∝ 1/r
const harmonic = vocabulary.map((_, r) => 1 / (r + 1));
const cumulative = harmonic.map(((sum) => (w) => (sum += w))(0));
const total = cumulative[cumulative.length - 1];
const spokenWord = () => {
  const x = random() * total;
  let lo = 0;
  let hi = cumulative.length - 1;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (cumulative[mid] < x) lo = mid + 1;
    else hi = mid;
  }
  return vocabulary[lo];
};
const sentence = () => Array.from({ length: 10 + Math.floor(random() * 5) }, spokenWord).join(' ');

async function freshDatabase() {
  await withPg(pgUrl('postgres'), async (c) => {
    await c.query(`DROP DATABASE IF EXISTS "${DB}" WITH (FORCE)`);
    await c.query(`CREATE DATABASE "${DB}"`);
  });
  return kit.openDatabase({ url: pgUrl(DB), entities: discoveryModule.entities, migrations: discoveryModule.migrations, logger: log, poolSize: 4 });
}

async function catalog(dataSource) {
  const shows = Array.from({ length: 20 }, (_, i) => ({
    showId: randomUUID(), ownerId: randomUUID(), slug: `bench-show-${i}`, title: `Bench show ${i}`, description: 'A show of the transcripts bench',
    category: 'TECHNOLOGY', language: 'en', artworkUrl: null,
  }));
  const episodes = Array.from({ length: EPISODES }, (_, i) => ({
    episodeId: randomUUID(), showId: shows[i % shows.length].showId, ownerId: randomUUID(),
    title: `Episode ${i} on ${titleWords[i % TITLE_WORDS]}`, description: `Notes for episode ${i}: ${sentence()}`,
    seasonNumber: null, episodeNumber: i + 1, status: 'PUBLISHED', publishedAt: new Date(Date.now() - i * 60_000).toISOString(),
  }));
  await testkit.applyInOrder(dataSource, DISCOVERY_GROUP, discoveryHandlers, [
    ...shows.map((s) => testkit.eventOf(events.ShowCreated, s.showId, s, { position: 1 })),
    ...episodes.map((e) => testkit.eventOf(events.EpisodePublished, e.episodeId, e, { position: 2 })),
  ]);
  return episodes;
}

/** Spoken in two episodes only: even the rarest word of the vocabulary is in dozens. */
const RARE_WORD = 'quetzalcoatl';

const transcriptEvents = (episodes) =>
  episodes.map((e, i) => testkit.eventOf(events.TranscriptPublished, e.episodeId, {
    episodeId: e.episodeId, ownerId: e.ownerId, revision: 1, language: 'en-US', engine: 'pocketsphinx',
    segments: Array.from({ length: SEGMENTS }, (_, k) => ({
      startSeconds: k * 4, endSeconds: k * 4 + 3.8, text: i < 2 && k === Math.floor(SEGMENTS / 2) ? `${sentence()} ${RARE_WORD}` : sentence(),
    })),
  }));

const seconds = (from) => (performance.now() - from) / 1000;

async function indexing(dataSource, transcripts) {
  // the baseline first: the same rows, bare, one statement per transcript
  await dataSource.query('CREATE TABLE bench_bare_segments (episode_id uuid, seq int, start_seconds float8, end_seconds float8, text text)');
  let started = performance.now();
  for (const { payload: t } of transcripts) {
    await dataSource.query(
      `INSERT INTO bench_bare_segments SELECT $1, s.seq, s.a, s.b, s.text FROM unnest($2::float8[], $3::float8[], $4::text[]) WITH ORDINALITY AS s(a, b, text, seq)`,
      [t.episodeId, t.segments.map((s) => s.startSeconds), t.segments.map((s) => s.endSeconds), t.segments.map((s) => s.text)],
    );
  }
  const bare = seconds(started);
  await dataSource.query('DROP TABLE bench_bare_segments');
  started = performance.now();
  await testkit.applyInOrder(dataSource, DISCOVERY_GROUP, discoveryHandlers, transcripts);
  const applied = seconds(started);
  await dataSource.query('VACUUM ANALYZE');
  return { bare, applied };
}

/**
 * Latency of each run, sampled round-robin (one of each in turn), so a load that comes and goes
 * on a shared machine weighs on every row alike.
 */
async function sampleTogether(runs) {
  for (const run of runs) for (let i = 0; i < 5; i += 1) await run(); // warm-up
  const latencies = runs.map(() => []);
  const hits = runs.map(() => 0);
  for (let i = 0; i < SAMPLES; i += 1) {
    for (const [k, run] of runs.entries()) {
      const started = performance.now();
      hits[k] = await run();
      latencies[k].push(performance.now() - started);
    }
  }
  return latencies.map((sorted, k) => {
    sorted.sort((a, b) => a - b);
    return { p50: percentile(sorted, 50), p95: percentile(sorted, 95), hits: hits[k] };
  });
}

/** `[name, run]` pairs sampled together, as `[name, result]`. */
const measure = async (named) => (await sampleTogether(named.map(([, run]) => run))).map((result, k) => [named[k][0], result]);

async function main() {
  const db = await freshDatabase();
  const { dataSource } = db;
  try {
    const episodes = await catalog(dataSource);
    const search = new SearchService(dataSource);
    const request = (text) => ({ text, category: null, language: null, kind: null, size: 10, offset: 0 });
    const withTranscripts = (text) => async () => (await search.search(request(text))).edges.length;
    const before = (text) => async () =>
      (await dataSource.query(SEARCH_BEFORE_TRANSCRIPTS, [toPrefixTsQuery(text), text, null, null, null, 11, 0, HEADLINE_OPTIONS])).length;
    // the last word of a search is a prefix: the words searched for begin no other word
    const beginsNoOther = (word, words) => !words.some((other) => other !== word && other.startsWith(word));
    const titleWord = titleWords.find((word) => beginsNoOther(word, titleWords));
    const titles = EPISODES / TITLE_WORDS;
    await dataSource.query('VACUUM ANALYZE');
    const beforeRows = await measure([
      [`the earlier statement, a word of ${titles} titles (baseline)`, before(titleWord)],
      [`this search, a word of ${titles} titles`, withTranscripts(titleWord)],
      ['the earlier statement, a word of every title', before('episode')],
      ['this search, a word of every title', withTranscripts('episode')],
    ]);

    const transcripts = transcriptEvents(episodes);
    const segments = EPISODES * SEGMENTS;
    const index = await indexing(dataSource, transcripts);

    // how many episodes say each word: the most common one, and one in about 5% of them
    const spread = await dataSource.query(
      `SELECT word, count(DISTINCT episode_id)::int AS episodes
       FROM transcript_segments, regexp_split_to_table(text, ' ') AS word GROUP BY word ORDER BY 2 DESC`,
    );
    const searchable = spread.filter((row) => beginsNoOther(row.word, vocabulary));
    const byShare = (share) => searchable.reduce((best, row) => (Math.abs(row.episodes - share * EPISODES) < Math.abs(best.episodes - share * EPISODES) ? row : best));
    const common = searchable[0];
    const some = byShare(0.05);

    const afterRows = await measure([
      [`the earlier statement, a word of ${titles} titles`, before(titleWord)],
      [`this search, a word of ${titles} titles`, withTranscripts(titleWord)],
      ['the earlier statement, a word of every title', before('episode')],
      ['this search, a word of every title', withTranscripts('episode')],
      ['this search, a word spoken in 2 episodes', withTranscripts(RARE_WORD)],
      [`this search, a word spoken in ${some.episodes} episodes`, withTranscripts(some.word)],
      [`this search, a word spoken in ${common.episodes} episodes`, withTranscripts(common.word)],
      [`this search, two words, one spoken in ${some.episodes} episodes and one in ${common.episodes}`, withTranscripts(`${some.word} ${common.word}`)],
    ]);
    console.log(`\n## Discovery: indexing transcripts (${EPISODES} episodes × ${SEGMENTS} segments = ${segments} segments)\n`);
    console.log('| how | seconds | transcripts/s | segments/s | time vs bare rows |');
    console.log('|---|---:|---:|---:|---:|');
    for (const [name, s] of [['the same rows into a bare table (baseline)', index.bare], ['TranscriptPublished through the handlers (inbox, vectors, one transaction each)', index.applied]]) {
      console.log(`| ${name} | ${s.toFixed(1)} | ${(EPISODES / s).toFixed(0)} | ${(segments / s).toFixed(0)} | ${(s / index.bare).toFixed(2)}x |`);
    }
    afterRows[0][0] += ' (baseline)';
    for (const [phase, rows] of [['no transcript indexed yet', beforeRows], [`every episode with its transcript`, afterRows]]) {
      const base = rows[0][1];
      console.log(`\n## Discovery: search latency, ${phase}: first page of 10 (${SAMPLES} searches per row, the rows in turn)\n`);
      console.log('| search | hits on the page | p50 ms | p95 ms | p50 vs baseline |');
      console.log('|---|---:|---:|---:|---:|');
      for (const [name, r] of rows) console.log(`| ${name} | ${r.hits} | ${r.p50.toFixed(2)} | ${r.p95.toFixed(2)} | ${(r.p50 / base.p50).toFixed(2)}x |`);
    }
  } finally {
    await db.dataSource.destroy();
    // --keep leaves the database for EXPLAIN (dropped by the next run)
    if (!process.argv.includes('--keep')) await withPg(pgUrl('postgres'), (c) => c.query(`DROP DATABASE IF EXISTS "${DB}" WITH (FORCE)`));
  }
}

await main();
process.exit(0);
