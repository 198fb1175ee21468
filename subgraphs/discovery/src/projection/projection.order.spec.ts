import { randomUUID } from 'node:crypto';
import { EpisodeLiked, EpisodePublished, EpisodeUnpublished, PlayRecorded, ShowCreated, TranscriptPublished, type EventEnvelope } from '@wavegraph/events';
import { eventOf, everyOrder } from '@wavegraph/testkit';
import { applyEvents, episodeSnapshot, hoursAgo, segmentsOf, showSnapshot, startDiscovery, transcriptOf, type DiscoveryHarness } from '../testing/harness';

/*
 * Discovery joins engagement's activity and media's transcripts with catalog's episodes and
 * shows when it is read, never when an event is applied: what trending, similar episodes and search answer must not depend on
 * which of them was applied first. Each story is applied twice: once as things happened (the
 * reference) and once in another order, and both episodes must be ranked alike by one query.
 */
interface Cast {
  showId: string;
  /** The episode the story is about; `other` is a second one of the same show. */
  episodeId: string;
  otherId: string;
  listener: string;
  word: string;
  /** A word only the episode's transcript holds. */
  spoken: string;
}
type Fact = (cast: Cast) => EventEnvelope;

const show: Fact = (c) => {
  const snapshot = showSnapshot({ showId: c.showId, title: `Show ${c.word}` });
  return eventOf(ShowCreated, c.showId, snapshot, { position: 1 });
};
const episode = (c: Cast, id: string, status: 'PUBLISHED' | 'DRAFT') =>
  episodeSnapshot(c.showId, { episodeId: id, title: `Episode ${c.word}`, status, publishedAt: status === 'PUBLISHED' ? hoursAgo(3) : null });
const published: Fact = (c) => eventOf(EpisodePublished, c.episodeId, episode(c, c.episodeId, 'PUBLISHED'), { occurredAt: hoursAgo(3), position: 2 });
const otherPublished: Fact = (c) => eventOf(EpisodePublished, c.otherId, episode(c, c.otherId, 'PUBLISHED'), { occurredAt: hoursAgo(3), position: 3 });
const unpublished: Fact = (c) => eventOf(EpisodeUnpublished, c.episodeId, episode(c, c.episodeId, 'DRAFT'), { occurredAt: hoursAgo(1), position: 4 });
const played: Fact = (c) =>
  eventOf(PlayRecorded, c.episodeId, { episodeId: c.episodeId, userId: c.listener, positionSeconds: 0, completed: false, counted: true }, { occurredAt: hoursAgo(2) });
const liked: Fact = (c) => eventOf(EpisodeLiked, c.episodeId, { episodeId: c.episodeId, userId: c.listener, likedAt: hoursAgo(2) }, { occurredAt: hoursAgo(2) });
const otherPlayed: Fact = (c) =>
  eventOf(PlayRecorded, c.otherId, { episodeId: c.otherId, userId: c.listener, positionSeconds: 0, completed: false, counted: true }, { occurredAt: hoursAgo(2) });

const transcribed: Fact = (c) =>
  eventOf(TranscriptPublished, c.episodeId, transcriptOf(c.episodeId, 1, segmentsOf(['welcome', `today: ${c.spoken}`, 'goodbye'])), { occurredAt: hoursAgo(2) });

type Reading = 'trending' | 'similar' | 'search' | 'spoken';
interface Story {
  /** Applied first, as they happened, for both casts. */
  before: Fact[];
  /** Applied in every order. */
  facts: Record<string, Fact>;
  reading: Reading;
  /** Whether the reference shows the episode (so equal answers are not two empty ones). */
  shown: boolean;
}

const STORIES: Record<string, Story> = {
  'plays and likes × publication and show → trending': { before: [], facts: { show, published, played, liked }, reading: 'trending', shown: true },
  'plays × publication and unpublication → trending': { before: [show], facts: { published, played, unpublished }, reading: 'trending', shown: false },
  'likes and plays × publication → similar episodes': { before: [show, published], facts: { otherPublished, liked, otherPlayed }, reading: 'similar', shown: true },
  'an episode × its show → search': { before: [], facts: { show, published }, reading: 'search', shown: true },
  'a transcript × its episode and show → search of what was said': { before: [], facts: { show, published, transcribed }, reading: 'spoken', shown: true },
  'a transcript × publication and unpublication → search of what was said': { before: [show], facts: { published, transcribed, unpublished }, reading: 'spoken', shown: false },
};

const CASES = Object.entries(STORIES).flatMap(([name, story]) =>
  everyOrder(Object.keys(story.facts)).map((order) => [name, order.join(' → '), story, order] as const),
);

const TRENDING = 'query { trending(window: DAY, first: 100) { episode { id } score } }';
const SIMILAR = 'query($id: ID!) { similarEpisodes(episodeId: $id) { episode { id } sharedListeners } }';
const SEARCH = 'query($q: String!) { search(query: $q, first: 10) { edges { node { kind score episode { id } show { id } matches { startSeconds endSeconds text } } } } }';

describe('discovery answers the same whichever of catalog, engagement and media is applied first', () => {
  let h: DiscoveryHarness;
  beforeAll(async () => {
    h = await startDiscovery();
  });
  afterAll(async () => {
    await h?.stop();
  });

  // the spoken word shares no letter with the title's (hex digits there, g–v here), so no trigram of
  // the title's typo forgiveness adds to its score by chance: two casts must score alike
  const cast = (): Cast => ({
    showId: randomUUID(), episodeId: randomUUID(), otherId: randomUUID(), listener: randomUUID(), word: `w${randomUUID().slice(0, 8)}`,
    spoken: `s${randomUUID().slice(0, 8).replace(/[0-9a-f]/g, (c) => String.fromCharCode(103 + parseInt(c, 16)))}`,
  });
  const data = async <T>(query: string, variables: Record<string, unknown> = {}): Promise<T> => {
    const res = await h.call<T>(query, variables);
    if (res.errors) throw new Error(JSON.stringify(res.errors));
    return res.data!;
  };

  /** What the reading shows of a cast, with its own ids replaced so two casts compare. */
  async function read(reading: Reading, casts: Cast[]): Promise<unknown[]> {
    const named = (c: Cast, id: string | undefined) => (id === c.episodeId ? 'episode' : id === c.otherId ? 'other' : id === c.showId ? 'show' : id);
    if (reading === 'trending') {
      const { trending } = await data<{ trending: { episode: { id: string }; score: number }[] }>(TRENDING);
      return casts.map((c) => trending.find((t) => t.episode.id === c.episodeId)?.score ?? null);
    }
    if (reading === 'similar') {
      return Promise.all(casts.map(async (c) => {
        const { similarEpisodes } = await data<{ similarEpisodes: { episode: { id: string }; sharedListeners: number }[] }>(SIMILAR, { id: c.episodeId });
        return similarEpisodes.map((s) => ({ episode: named(c, s.episode.id), sharedListeners: s.sharedListeners }));
      }));
    }
    type Node = { kind: string; score: number; episode: { id: string } | null; show: { id: string } | null; matches: { text: string }[] | null };
    return Promise.all(casts.map(async (c) => {
      const { search } = await data<{ search: { edges: { node: Node }[] } }>(SEARCH, { q: reading === 'spoken' ? c.spoken : c.word });
      // a match's text holds the cast's own word: compare where it was said
      const matches = (node: Node) => node.matches?.map((m) => ({ ...m, text: m.text.replace(c.spoken, 'spoken') })) ?? null;
      return search.edges.map(({ node }) => ({ kind: node.kind, score: node.score, id: named(c, node.episode?.id ?? node.show?.id), matches: matches(node) }));
    }));
  }

  const isShown = (answer: unknown): boolean => (Array.isArray(answer) ? answer.length > 0 : answer !== null);

  it.each(CASES)('%s, applied %s', async (_name, _order, story, order) => {
    const [reference, shuffled] = [cast(), cast()];
    await applyEvents(h, [...story.before, ...Object.values(story.facts)].map((fact) => fact(reference)));
    await applyEvents(h, [...story.before.map((fact) => fact(shuffled)), ...order.map((label) => story.facts[label](shuffled))]);
    const [expected, actual] = await read(story.reading, [reference, shuffled]);
    expect(isShown(expected)).toBe(story.shown);
    expect(actual).toEqual(expected);
  });
});
