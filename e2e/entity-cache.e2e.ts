import { DEFAULT_ENTITY_CACHE, startGateway } from '@wavegraph/gateway';
import { eventually } from '@wavegraph/testkit';
import { startCountingProxy, type CountingProxy } from './support/counting-proxy';
import { postGraphQL } from './support/graphql';
import { startTestSupergraph, type TestSupergraph } from './support/supergraph';
import { signUp as signUpAs } from './support/users';

/**
 * How stale a purged value may be seen: the outbox relay polls every 100 ms, the gateway reads
 * the stream at once; the rest leaves room for a loaded machine. Cached values live 30-60 s, so
 * a purge that did not happen could not pass within it.
 */
const RELAY_LAG_BOUND_MS = 2_000;

const COMMENT_EPISODE = 'query($id: ID!) { comment(id: $id) { id episode { id title } } }';
const COUNTS = 'query($id: ID!) { episode(id: $id) { id likeCount commentCount } }';
const VIEWER = 'query($id: ID!) { episode(id: $id) { id likeCount viewerHasLiked } }';

describe('the entity cache through the whole stack (GATEWAY_ENTITY_CACHE=on)', () => {
  let supergraph: TestSupergraph;
  const proxies: Partial<Record<'catalog' | 'engagement', CountingProxy>> = {};
  let owner: { token: string };
  let fan: { token: string };
  let episodeId: string;
  let commentId: string;

  const front = (name: 'catalog' | 'engagement') => async (url: string) => {
    proxies[name] = await startCountingProxy(url);
    return proxies[name]!.url;
  };
  const requests = (name: 'catalog' | 'engagement') => proxies[name]!.requests;
  const read = async (query: string, variables: object, token?: string) => {
    const response = await postGraphQL(supergraph.url, query, { variables, token });
    expect(response.body.errors).toBeUndefined();
    return response.body.data!;
  };

  const signUp = (handle: string) => signUpAs(supergraph, handle);

  beforeAll(async () => {
    supergraph = await startTestSupergraph({ entityCache: { ...DEFAULT_ENTITY_CACHE, enabled: true } }, undefined, { front: { catalog: front('catalog'), engagement: front('engagement') } });
    owner = await signUp('cacheowner');
    fan = await signUp('cachefan');
    const creator = supergraph.client(owner.token);
    const { createShow } = await creator.CreateShow({ input: { slug: 'cached-show', title: 'Cached show', category: 'SCIENCE', language: 'en' } });
    const { createEpisode } = await creator.CreateEpisode({ input: { showId: createShow.id, title: 'First title' } });
    episodeId = createEpisode.id;
    await creator.PublishEpisode({ id: episodeId });
    // engagement takes comments once it has heard of the publication
    const { postComment } = await eventually(() => supergraph.client(fan.token).PostComment({ episodeId, body: 'hello' }));
    commentId = postComment.id;
  }, 120_000);
  afterAll(async () => {
    await supergraph?.stop();
    await Promise.all(Object.values(proxies).map((proxy) => proxy.stop()));
  });

  it('serves public entity fields from the cache: the subgraph is not asked again', async () => {
    const first = await read(COMMENT_EPISODE, { id: commentId });
    const before = requests('catalog');
    const second = await read(COMMENT_EPISODE, { id: commentId });
    expect(second).toEqual(first);
    expect(requests('catalog')).toBe(before);
    const counts = await read(COUNTS, { id: episodeId });
    const engagementBefore = requests('engagement');
    expect(await read(COUNTS, { id: episodeId })).toEqual(counts);
    expect(requests('engagement')).toBe(engagementBefore);
    expect(supergraph.gateway.entityCache!.stats.hits).toBeGreaterThanOrEqual(2);
  });

  it('shows an updated title within the relay lag: EpisodeUpdated purges the episode', async () => {
    expect(await read(COMMENT_EPISODE, { id: commentId })).toMatchObject({ comment: { episode: { title: 'First title' } } });
    await supergraph.client(owner.token).UpdateEpisode({ id: episodeId, input: { title: 'Second title' } });
    const updated = Date.now();
    let title = '';
    while (Date.now() - updated < RELAY_LAG_BOUND_MS) {
      title = ((await read(COMMENT_EPISODE, { id: commentId })) as { comment: { episode: { title: string } } }).comment.episode.title;
      if (title === 'Second title') break;
      await new Promise((resolve) => setTimeout(resolve, 25));
    }
    expect({ title, withinMs: RELAY_LAG_BOUND_MS }).toEqual({ title: 'Second title', withinMs: RELAY_LAG_BOUND_MS });
    expect(Date.now() - updated).toBeLessThan(RELAY_LAG_BOUND_MS);
    // and it is cached again once read
    const before = requests('catalog');
    await read(COMMENT_EPISODE, { id: commentId });
    expect(requests('catalog')).toBe(before);
  });

  it('shares entries between gateway instances through Redis, and purges both on an event', async () => {
    const other = await startGateway(supergraph.gatewayConfig);
    try {
      const readOn = async (url: string) => {
        const response = await postGraphQL(url, COMMENT_EPISODE, { variables: { id: commentId } });
        return (response.body.data as { comment: { episode: { title: string } } }).comment.episode.title;
      };
      const cached = await readOn(supergraph.url);
      const before = requests('catalog');
      // the other instance's memory is empty: the value comes from the shared level
      expect(await readOn(other.url)).toBe(cached);
      expect(requests('catalog')).toBe(before);
      await supergraph.client(owner.token).UpdateEpisode({ id: episodeId, input: { title: 'Third title' } });
      const updated = Date.now();
      await eventually(async () => (await readOn(supergraph.url)) === 'Third title' && (await readOn(other.url)) === 'Third title', RELAY_LAG_BOUND_MS);
      expect(Date.now() - updated).toBeLessThan(RELAY_LAG_BOUND_MS);
    } finally {
      await other.stop();
    }
  });

  it('keeps viewerHasLiked per viewer: no private field crosses viewers', async () => {
    await supergraph.client(fan.token).LikeEpisode({ episodeId });
    // the like's event purges the episode's count; each viewer gets their own viewerHasLiked, however often asked
    for (let round = 0; round < 3; round += 1) {
      const liked = (await read(VIEWER, { id: episodeId }, fan.token)) as { episode: { viewerHasLiked: boolean; likeCount: number } };
      const notLiked = (await read(VIEWER, { id: episodeId }, owner.token)) as { episode: { viewerHasLiked: boolean } };
      const anonymous = (await read(VIEWER, { id: episodeId })) as { episode: { viewerHasLiked: boolean } };
      expect([liked.episode.viewerHasLiked, notLiked.episode.viewerHasLiked, anonymous.episode.viewerHasLiked]).toEqual([true, false, false]);
      expect(liked.episode.likeCount).toBe(1);
    }
    // a fetch with a private field is sent every time
    const before = requests('engagement');
    await read(VIEWER, { id: episodeId }, fan.token);
    await read(VIEWER, { id: episodeId }, owner.token);
    expect(requests('engagement') - before).toBe(2);
  });

  it('updates a cached count within the relay lag of the event that changed it', async () => {
    const counts = async () => ((await read(COUNTS, { id: episodeId })) as { episode: { likeCount: number } }).episode.likeCount;
    const likes = await counts();
    await counts();
    await supergraph.client(owner.token).LikeEpisode({ episodeId });
    const liked = Date.now();
    await eventually(async () => (await counts()) === likes + 1, RELAY_LAG_BOUND_MS);
    expect(Date.now() - liked).toBeLessThan(RELAY_LAG_BOUND_MS);
  });
});
