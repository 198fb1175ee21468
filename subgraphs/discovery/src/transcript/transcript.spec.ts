import { randomUUID } from 'node:crypto';
import { EpisodeCreated, EpisodePublished, EpisodeUnpublished, ShowCreated, TranscriptPublished, type EventEnvelope } from '@wavegraph/events';
import { eventOf, everyOrder } from '@wavegraph/testkit';
import {
  applyEvents,
  createShow,
  episodeSnapshot,
  eventually,
  publishEpisode,
  segmentsOf,
  settle,
  showSnapshot,
  startDiscovery,
  transcribe,
  transcriptOf,
  type DiscoveryHarness,
  type Segment,
} from '../testing/harness';

const SEARCH = `query($q: String!, $first: Int) {
  search(query: $q, first: $first) {
    edges { node { kind score highlight episode { id } show { id } matches { startSeconds endSeconds text } } }
  }
}`;
interface Match { startSeconds: number; endSeconds: number; text: string }
interface Hit { kind: string; score: number; highlight: string | null; episode: { id: string } | null; show: { id: string } | null; matches: Match[] | null }

/** A word no other test (or run) uses, so a search finds only what the test made. */
const word = () => `w${randomUUID().replace(/-/g, '').slice(0, 10)}`;

describe('transcripts in search', () => {
  let h: DiscoveryHarness;
  beforeAll(async () => {
    h = await startDiscovery();
  });
  afterAll(async () => {
    await h?.stop();
  });

  const hits = async (q: string, first = 20): Promise<Hit[]> => {
    const res = await h.call<{ search: { edges: { node: Hit }[] } }>(SEARCH, { q, first });
    if (res.errors) throw new Error(JSON.stringify(res.errors));
    return res.data!.search.edges.map((e) => e.node);
  };
  const idsOf = async (q: string) => (await hits(q)).map((hit) => hit.episode?.id ?? hit.show?.id);

  /** A known show and a published episode of it, applied directly (no streams). */
  async function publishedEpisode(title = 'An episode', description = ''): Promise<{ showId: string; episodeId: string }> {
    const show = showSnapshot();
    const episode = episodeSnapshot(show.showId, { title, description });
    await applyEvents(h, [eventOf(ShowCreated, show.showId, show, { position: 1 }), eventOf(EpisodePublished, episode.episodeId, episode, { position: 2 })]);
    return { showId: show.showId, episodeId: episode.episodeId };
  }
  const transcribed = (episodeId: string, revision: number, segments: Segment[]) =>
    eventOf(TranscriptPublished, episodeId, transcriptOf(episodeId, revision, segments));

  it('finds an episode by a word spoken in segment k, and its match says when segment k was spoken', async () => {
    const { episodeId } = await publishedEpisode();
    const words = Array.from({ length: 6 }, word);
    const segments: Segment[] = words.map((w, k) => ({ startSeconds: 10 + k * 7.5, endSeconds: 16 + k * 7.5, text: `and then we said ${w} out loud` }));
    await applyEvents(h, [transcribed(episodeId, 1, segments)]);
    for (const [k, w] of words.entries()) {
      const [hit, ...rest] = await hits(w);
      expect(rest).toEqual([]);
      expect(hit).toMatchObject({ kind: 'EPISODE', episode: { id: episodeId }, show: null, highlight: null });
      expect(hit.matches).toEqual([{ startSeconds: 10 + k * 7.5, endSeconds: 16 + k * 7.5, text: `and then we said <mark>${w}</mark> out loud` }]);
    }
    // the last word matches as a prefix, as in titles
    expect((await hits(words[2].slice(0, 8)))[0].matches).toEqual([expect.objectContaining({ startSeconds: 25 })]);
  });

  it('points a match at the first matching word when the words are timed, and at its segment when they are not', async () => {
    const { episodeId } = await publishedEpisode();
    const [spoken, again, untimed] = [word(), word(), word()];
    const text = `so today we talk about ${spoken} and ${spoken} again ${again}`;
    const timings = text.split(' ').map((t, i) => ({ text: t, startSeconds: 30 + i * 0.5 }));
    await applyEvents(h, [
      transcribed(episodeId, 1, [
        { startSeconds: 30, endSeconds: 36, text, words: timings },
        { startSeconds: 40, endSeconds: 44, text: `then ${untimed} was said` },
      ]),
    ]);
    // the sixth word (index 5) is the first of the two that match, 2.5 s into its 6 s segment
    expect((await hits(spoken))[0].matches).toEqual([{ startSeconds: 32.5, endSeconds: 36, text: `so today we talk about <mark>${spoken}</mark> and <mark>${spoken}</mark> again ${again}` }]);
    expect((await hits(again))[0].matches).toEqual([expect.objectContaining({ startSeconds: 34.5 })]);
    // the last word as a prefix, as the search reads it
    expect((await hits(again.slice(0, 8)))[0].matches).toEqual([expect.objectContaining({ startSeconds: 34.5 })]);
    expect((await hits(untimed))[0].matches).toEqual([expect.objectContaining({ startSeconds: 40, endSeconds: 44 })]);
  });

  it('shows the best few matching segments of a hit, in time order, HTML-escaped', async () => {
    const { episodeId } = await publishedEpisode();
    const w = word();
    const segments = segmentsOf([
      `${w} once`,
      `${w} and ${w} twice`,
      'nothing here',
      `${w}, ${w} & ${w} <b>thrice</b>`,
      `${w} once more`,
      `${w} twice ${w} again`,
    ]);
    await applyEvents(h, [transcribed(episodeId, 1, segments)]);
    const [hit] = await hits(w);
    expect(hit.matches!.map((m) => m.startSeconds)).toEqual([4, 12, 20]);
    expect(hit.matches![1].text).toBe(`<mark>${w}</mark>, <mark>${w}</mark> &amp; <mark>${w}</mark>  thrice `);
  });

  it('finds words spread over segments, or over the title and the transcript, and shows where each was spoken', async () => {
    const inTitle = word();
    const [first, second] = [word(), word()];
    const { episodeId } = await publishedEpisode(`About ${inTitle}`);
    await applyEvents(h, [transcribed(episodeId, 1, segmentsOf([`${first} is here`, 'filler', 'filler', `and ${second} is there`]))]);
    const [spread] = await hits(`${first} ${second}`);
    expect(spread.episode?.id).toBe(episodeId);
    expect(spread.matches!.map((m) => [m.startSeconds, m.text])).toEqual([[0, `<mark>${first}</mark> is here`], [12, `and <mark>${second}</mark> is there`]]);
    const [mixed] = await hits(`${inTitle} ${second}`);
    expect(mixed.episode?.id).toBe(episodeId);
    expect(mixed.matches!.map((m) => m.startSeconds)).toEqual([12]);
    // every word must be somewhere in the episode
    expect(await idsOf(`${first} ${word()}`)).toEqual([]);
  });

  it('ranks a word spoken below the same word in a title or a description, however often it is spoken', async () => {
    const w = word();
    const titled = await publishedEpisode(`The ${w} story`);
    const described = await publishedEpisode('Another story', `We talk about ${w} today`);
    const spoken = await publishedEpisode('A third story');
    await applyEvents(h, [transcribed(spoken.episodeId, 1, segmentsOf(Array.from({ length: 40 }, () => `${w} ${w} ${w} ${w}`)))]);
    const found = await hits(w);
    expect(found.map((hit) => hit.episode?.id)).toEqual([titled.episodeId, described.episodeId, spoken.episodeId]);
    expect(found.map((hit) => hit.matches?.length)).toEqual([0, 0, 3]);
    expect(found[2].score).toBeGreaterThan(0);
  });

  it.each(everyOrder([1, 2, 3]).map((order) => [order.join(' → '), order] as const))(
    'keeps the highest revision whatever the order (%s), and ignores a duplicate of it',
    async (_label, order) => {
      const { episodeId } = await publishedEpisode();
      const words = [word(), word(), word()];
      const revisions = order.map((revision) => transcribed(episodeId, revision, segmentsOf([`revision ${words[revision - 1]}`])));
      // a second event with the highest revision but other words (a redelivery must not differ, and this one changes nothing)
      const duplicate = transcribed(episodeId, 3, segmentsOf([`a stray ${words[0]}`, 'and more']));
      await applyEvents(h, [...revisions, duplicate]);
      expect(await idsOf(words[0])).toEqual([]);
      expect(await idsOf(words[1])).toEqual([]);
      const [hit] = await hits(words[2]);
      expect(hit.matches).toEqual([{ startSeconds: 0, endSeconds: 4, text: `revision <mark>${words[2]}</mark>` }]);
      const rows = await h.running.db.dataSource.query('SELECT revision, segment_count FROM episode_transcripts WHERE episode_id = $1', [episodeId]);
      expect(rows).toEqual([{ revision: 3, segment_count: 1 }]);
    },
  );

  it.each(everyOrder(['older', 'newer', 'removal']).map((order) => [order.join(' → '), order] as const))(
    'removes the transcript when the newest revision has no segments (%s)',
    async (_label, order) => {
      const { episodeId } = await publishedEpisode();
      const [w1, w2] = [word(), word()];
      const events: Record<string, EventEnvelope> = {
        older: transcribed(episodeId, 1, segmentsOf([`first ${w1}`])),
        newer: transcribed(episodeId, 2, segmentsOf([`second ${w2}`])),
        removal: transcribed(episodeId, 3, []),
      };
      await applyEvents(h, order.map((label) => events[label]));
      expect(await idsOf(w1)).toEqual([]);
      expect(await idsOf(w2)).toEqual([]);
      const segments = await h.running.db.dataSource.query('SELECT count(*)::int AS n FROM transcript_segments WHERE episode_id = $1', [episodeId]);
      expect(segments).toEqual([{ n: 0 }]);
      const rows = await h.running.db.dataSource.query('SELECT revision, segment_count FROM episode_transcripts WHERE episode_id = $1', [episodeId]);
      expect(rows).toEqual([{ revision: 3, segment_count: 0 }]);
    },
  );

  it('keeps a transcript that arrives before its episode, and hides what unpublished episodes said', async () => {
    const show = showSnapshot();
    const episode = episodeSnapshot(show.showId, { status: 'DRAFT', publishedAt: null });
    const w = word();
    await applyEvents(h, [transcribed(episode.episodeId, 1, segmentsOf(['intro', `the ${w} part`]))]);
    expect(await idsOf(w)).toEqual([]);
    await applyEvents(h, [eventOf(ShowCreated, show.showId, show, { position: 1 })]);
    expect(await idsOf(w)).toEqual([]);
    // a draft: known, but not published
    await applyEvents(h, [eventOf(EpisodeCreated, episode.episodeId, episode, { position: 2 })]);
    expect(await idsOf(w)).toEqual([]);
    const published = { ...episode, status: 'PUBLISHED' as const, publishedAt: new Date().toISOString() };
    await applyEvents(h, [eventOf(EpisodePublished, episode.episodeId, published, { position: 3 })]);
    expect((await hits(w))[0]).toMatchObject({ episode: { id: episode.episodeId }, matches: [{ startSeconds: 4, endSeconds: 8, text: `the <mark>${w}</mark> part` }] });
    await applyEvents(h, [eventOf(EpisodeUnpublished, episode.episodeId, { ...episode, status: 'DRAFT', publishedAt: null }, { position: 4 })]);
    expect(await idsOf(w)).toEqual([]);
  });

  it('finds a word spoken after hours of speech, and says where', async () => {
    const { episodeId } = await publishedEpisode();
    const [early, late] = [word(), word()];
    // 1,600 segments of about 130 characters: past the 200,000 characters indexed with positions
    const texts = Array.from({ length: 1_600 }, (_, i) => `segment ${i} the quick brown fox jumps over the lazy dog and keeps talking about the weather for a while now`);
    texts[3] += ` ${early}`;
    texts[1_590] += ` ${late}`;
    await applyEvents(h, [transcribed(episodeId, 1, segmentsOf(texts))]);
    expect((await hits(early))[0]).toMatchObject({ episode: { id: episodeId }, matches: [expect.objectContaining({ startSeconds: 12 })] });
    expect((await hits(late))[0]).toMatchObject({ episode: { id: episodeId }, matches: [expect.objectContaining({ startSeconds: 1_590 * 4 })] });
  });

  it('applies a transcript too large to index whole, indexing its beginning and storing every segment', async () => {
    const { episodeId } = await publishedEpisode();
    const [early, late] = [word(), word()];
    // 12,000 segments of ten distinct words each: far more distinct words than one tsvector holds
    const texts = Array.from({ length: 12_000 }, () => Array.from({ length: 10 }, () => randomUUID().slice(0, 12)).join(' '));
    texts[0] += ` ${early}`;
    texts[11_000] += ` ${late}`;
    expect(await applyEvents(h, [transcribed(episodeId, 1, segmentsOf(texts, 2))])).toBe(1);
    const [row] = await h.running.db.dataSource.query(
      'SELECT t.segment_count, (SELECT count(*)::int FROM transcript_segments s WHERE s.episode_id = t.episode_id) AS stored FROM episode_transcripts t WHERE episode_id = $1',
      [episodeId],
    );
    expect(row).toEqual({ segment_count: 12_000, stored: 12_000 });
    expect((await hits(early))[0]).toMatchObject({ episode: { id: episodeId }, matches: [expect.objectContaining({ startSeconds: 0 })] });
    expect(await idsOf(late)).toEqual([]);
  });

  it('answers a page of hits with their matches in one SQL query', async () => {
    const w = word();
    for (let i = 0; i < 12; i += 1) {
      const { episodeId } = await publishedEpisode(`Batch ${i}`);
      await applyEvents(h, [transcribed(episodeId, 1, segmentsOf([`${w} at the start`, 'then', `${w} again`]))]);
    }
    h.running.db.queries.reset();
    const found = await hits(w, 10);
    expect(found).toHaveLength(10);
    expect(found.every((hit) => hit.matches?.length === 2)).toBe(true);
    expect(h.running.db.queries.count()).toBe(1);
  });

  it('reads transcripts from media\'s stream, and a new revision reaches a cached search', async () => {
    const show = await createShow(h);
    const episode = await publishEpisode(h, show.showId, { title: 'Streamed' });
    const [before, after] = [word(), word()];
    await transcribe(h, episode.episodeId, 1, segmentsOf(['hello', `we say ${before}`]));
    await eventually(async () => expect((await hits(before)).map((hit) => hit.matches)).toEqual([[{ startSeconds: 4, endSeconds: 8, text: `we say <mark>${before}</mark>` }]]));
    // cached now; an edit of the transcript makes it stale
    expect(await idsOf(after)).toEqual([]);
    await transcribe(h, episode.episodeId, 2, segmentsOf([`now ${after}`, `we say ${before}`, `and ${before}`], 5));
    await settle(h);
    expect((await hits(before))[0].matches!.map((m) => m.startSeconds)).toEqual([5, 10]);
    expect(await idsOf(after)).toEqual([episode.episodeId]);
  });

  it('gives shows no matches', async () => {
    const title = word();
    const show = showSnapshot({ title });
    await applyEvents(h, [eventOf(ShowCreated, show.showId, show, { position: 1 })]);
    expect(await hits(title)).toEqual([expect.objectContaining({ kind: 'SHOW', show: { id: show.showId }, matches: null })]);
  });
});
