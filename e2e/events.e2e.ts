import { randomUUID } from 'node:crypto';
import type { WavegraphClient } from '@wavegraph/client';
import { eventually, startPrivateRedis, type PrivateRedis } from '@wavegraph/testkit';
import { errorCodes } from './support/graphql';
import { startTestSupergraph, type TestSupergraph } from './support/supergraph';
import { signUp } from './support/users';

interface Creator {
  client: WavegraphClient;
  showId: string;
}

async function creatorWithShow(supergraph: TestSupergraph, handle: string, title: string): Promise<Creator> {
  const { client } = await signUp(supergraph, handle);
  const { createShow } = await client.CreateShow({ input: { slug: `${handle}-show`, title, category: 'SCIENCE', language: 'en' } });
  return { client, showId: createShow.id };
}

async function publish(creator: Creator, title: string, description = ''): Promise<string> {
  const { createEpisode } = await creator.client.CreateEpisode({ input: { showId: creator.showId, title, description } });
  await creator.client.PublishEpisode({ id: createEpisode.id });
  return createEpisode.id;
}

const searchIds = async (client: WavegraphClient, query: string): Promise<string[]> =>
  (await client.Search({ query, filter: { kind: 'EPISODE' } })).search.edges.map((e) => e.node.episode?.id ?? '');

describe('events between contexts, through the gateway (typed client)', () => {
  let supergraph: TestSupergraph;
  beforeAll(async () => {
    supergraph = await startTestSupergraph();
  });
  afterAll(() => supergraph?.stop());

  it('publish → like, comment, play → found in search and trending with fields from every subgraph; unpublish → gone', async () => {
    const creator = await creatorWithShow(supergraph, 'curie', 'Radiant Science');
    const episodeId = await publish(creator, 'Polonium and radium', 'Two new elements, found in pitchblende');
    const listener = await signUp(supergraph, 'pierre');

    // engagement learns about the publication from catalog's event, within a bounded lag
    const liked = await eventually(() => listener.client.LikeEpisode({ episodeId }));
    expect(liked.likeEpisode).toMatchObject({ id: episodeId, likeCount: 1, viewerHasLiked: true });
    const { postComment } = await listener.client.PostComment({ episodeId, body: 'Wonderful discovery' });
    expect(postComment).toMatchObject({ body: 'Wonderful discovery', author: { handle: 'pierre' }, episode: { id: episodeId, title: 'Polonium and radium' } });
    const { recordPlay } = await listener.client.RecordPlay({ episodeId, positionSeconds: 120 });
    expect(recordPlay).toMatchObject({ positionSeconds: 120, completed: false, episode: { playCount: 1 } });

    const { episode } = await listener.client.EpisodeWithEngagement({ id: episodeId });
    expect(episode).toMatchObject({
      title: 'Polonium and radium',
      likeCount: 1,
      viewerHasLiked: true,
      playCount: 1,
      commentCount: 1,
      viewerProgress: { positionSeconds: 120, completed: false },
      show: { id: creator.showId, title: 'Radiant Science' },
    });
    expect(episode?.comments?.edges.map((e) => e.node.author?.handle)).toEqual(['pierre']);

    // discovery built its read model from catalog's and engagement's events
    const anonymous = supergraph.client();
    const hit = await eventually(async () => {
      const { search } = await anonymous.Search({ query: 'polonium' });
      expect(search.edges).toHaveLength(1);
      return search.edges[0].node;
    });
    expect(hit).toMatchObject({ kind: 'EPISODE', episode: { id: episodeId, title: 'Polonium and radium', likeCount: 1, show: { title: 'Radiant Science' } } });
    expect(await searchIds(anonymous, 'polonim')).toEqual([episodeId]);
    const trending = await eventually(async () => {
      const { trending } = await anonymous.Trending({ window: 'DAY' });
      expect(trending.map((t) => t.episode?.id)).toContain(episodeId);
      return trending;
    });
    expect(trending[0]).toMatchObject({ episode: { id: episodeId, playCount: 1, likeCount: 1 }, score: expect.any(Number) });
    expect(trending[0].score).toBeGreaterThan(0);

    await creator.client.UnpublishEpisode({ id: episodeId });
    await eventually(async () => {
      expect(await searchIds(anonymous, 'polonium')).toEqual([]);
      expect((await anonymous.Trending({ window: 'DAY' })).trending.map((t) => t.episode?.id)).not.toContain(episodeId);
    });
    await eventually(async () => expect(await errorCodes(listener.client.PostComment({ episodeId, body: 'still there?' }))).toEqual(['NOT_FOUND']));
  });

  it('answers bad input on the new mutations with a code and writes nothing', async () => {
    const creator = await creatorWithShow(supergraph, 'meitner', 'Fission');
    const episodeId = await publish(creator, 'Splitting the nucleus');
    const listener = await signUp(supergraph, 'frisch');
    await eventually(() => listener.client.LikeEpisode({ episodeId }));
    const count = async () => Number((await supergraph.engagement.db.dataSource.query('SELECT (SELECT count(*) FROM comments) + (SELECT count(*) FROM outbox) AS n'))[0].n);
    const before = await count();

    expect(await errorCodes(listener.client.PostComment({ episodeId, body: '   ' }))).toEqual(['BAD_USER_INPUT']);
    expect(await errorCodes(listener.client.PostComment({ episodeId, body: 'x'.repeat(2001) }))).toEqual(['BAD_USER_INPUT']);
    expect(await errorCodes(listener.client.PostComment({ episodeId: 'not-an-id', body: 'hello' }))).toEqual(['BAD_USER_INPUT']);
    expect(await errorCodes(listener.client.LikeEpisode({ episodeId: randomUUID() }))).toEqual(['NOT_FOUND']);
    expect(await errorCodes(listener.client.RecordPlay({ episodeId, positionSeconds: -5 }))).toEqual(['BAD_USER_INPUT']);
    expect(await errorCodes(listener.client.CreatePlaylist({ name: '' }))).toEqual(['BAD_USER_INPUT']);
    expect(await errorCodes(supergraph.client().LikeEpisode({ episodeId }))).toEqual(['UNAUTHENTICATED']);
    expect(await errorCodes(supergraph.client().Search({ query: ' ' }))).toEqual(['BAD_USER_INPUT']);
    expect(await count()).toBe(before);
  });
});

describe('a Redis outage', () => {
  let redis: PrivateRedis;
  let supergraph: TestSupergraph;
  beforeAll(async () => {
    redis = await startPrivateRedis();
    supergraph = await startTestSupergraph({}, redis.url);
  });
  afterAll(async () => {
    await supergraph?.stop();
    await redis?.destroy();
  });

  it('delays events but loses none: mutations succeed meanwhile and every episode is searchable once Redis is back', async () => {
    const creator = await creatorWithShow(supergraph, 'hopper', 'Compilers Weekly');
    await redis.stop();
    const titles = ['Nanoseconds explained', 'The first bug', 'Cobol at sixty'];
    const published: string[] = [];
    for (const title of titles) published.push(await publish(creator, title));
    const waiting = await supergraph.catalog.db.dataSource.query('SELECT count(*)::int AS n FROM outbox WHERE published_at IS NULL');
    expect(waiting[0].n).toBeGreaterThanOrEqual(titles.length * 2);

    await redis.start();
    const anonymous = supergraph.client();
    await eventually(async () => {
      const { browse } = await anonymous.Browse({ first: 10 });
      expect(browse.edges.map((e) => e.node?.id).sort()).toEqual([...published].sort());
    }, 30_000);
    // each applied once: discovery's inbox holds every catalog event exactly one time
    const inbox = await supergraph.discovery.db.dataSource.query("SELECT count(*)::int AS n, count(DISTINCT event_id)::int AS distinct_n FROM inbox WHERE type LIKE 'catalog.%'");
    expect(inbox[0].n).toBe(inbox[0].distinct_n);
    expect(inbox[0].n).toBe(1 + titles.length * 2);
  });
});
