import { connectRedis, createLogger } from '@wavegraph/kit';
import { TEST_REDIS_URL } from '@wavegraph/testkit';
import { createShow, eventually, like, play, publishEpisode, settle, startDiscovery, type DiscoveryHarness } from '../testing/harness';
import { QueryCache } from './query-cache';

const SEARCH = 'query($q: String!) { search(query: $q) { edges { node { episode { id } } } } }';
const TRENDING = '{ trending(window: DAY) { episode { id } score } }';

describe('query cache', () => {
  let h: DiscoveryHarness;
  beforeAll(async () => {
    h = await startDiscovery();
  });
  afterAll(async () => {
    await h?.stop();
  });

  const searchIds = async (q: string) =>
    (await h.call<{ search: { edges: { node: { episode: { id: string } } }[] } }>(SEARCH, { q })).data!.search.edges.map((e) => e.node.episode.id);
  const queriesFor = async <T>(fn: () => Promise<T>): Promise<[T, number]> => {
    h.running.db.queries.reset();
    const result = await fn();
    return [result, h.running.db.queries.count()];
  };

  it('serves a repeated search from Redis until a catalog event invalidates it', async () => {
    const show = await createShow(h);
    const first = await publishEpisode(h, show.showId, { title: 'Pangolin scales' });
    await eventually(async () => expect(await searchIds('pangolin')).toEqual([first.episodeId]));
    // the invalidation runs just after the commit that made the episode visible: let it land,
    // then warm the cache, so the repeated search below measures the cache and not that race
    await settle(h);
    await searchIds('pangolin');
    expect(await queriesFor(() => searchIds('pangolin'))).toEqual([[first.episodeId], 0]);

    // the TTL is a minute: only the invalidation can make the new episode show up this fast
    const second = await publishEpisode(h, show.showId, { title: 'Pangolin tongues' });
    await eventually(async () => expect((await searchIds('pangolin')).sort()).toEqual([first.episodeId, second.episodeId].sort()), 5000);
  });

  it('keeps searches cached through plays and likes, which only invalidate trending', async () => {
    const show = await createShow(h);
    const episode = await publishEpisode(h, show.showId, { title: 'Okapi stripes' });
    await eventually(async () => expect(await searchIds('okapi')).toEqual([episode.episodeId]));
    const trending = async () => (await h.call<{ trending: { episode: { id: string } }[] }>(TRENDING)).data!.trending.map((t) => t.episode.id);
    expect(await trending()).not.toContain(episode.episodeId);
    // as above: let the publication's invalidation land and warm the cache, so that only the
    // play and the like below could make the measured search miss it
    await settle(h);
    expect(await queriesFor(() => searchIds('okapi'))).toEqual([[episode.episodeId], expect.any(Number)]);

    await play(h, episode.episodeId);
    await like(h, episode.episodeId);
    await settle(h);
    expect(await queriesFor(() => searchIds('okapi'))).toEqual([[episode.episodeId], 0]);
    await eventually(async () => expect(await trending()).toContain(episode.episodeId), 5000);
  });

  it('falls back to the database when Redis cannot answer', async () => {
    const unreachable = connectRedis(TEST_REDIS_URL, 'failFast', { name: 'discovery-cache-spec:unreachable', lazyConnect: true });
    const cache = new QueryCache(unreachable, h.redisPrefix, createLogger('test'));
    let computed = 0;
    const compute = async () => ++computed;
    expect(await cache.remember('q', {}, ['docs'], compute)).toBe(1);
    expect(await cache.remember('q', {}, ['docs'], compute)).toBe(2);
    await expect(cache.invalidate(['docs'])).resolves.toBeUndefined();
    unreachable.disconnect();
  });
});
