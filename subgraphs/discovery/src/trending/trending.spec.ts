import { randomUUID } from 'node:crypto';
import { EpisodeUnpublished, PlayRecorded } from '@wavegraph/events';
import { createShow, emit, errorOf, hoursAgo, like, play, publishEpisode, settle, startDiscovery, unlike, type DiscoveryHarness, type EpisodeSnapshot } from '../testing/harness';

const TRENDING = 'query($window: TrendingWindow, $first: Int) { trending(window: $window, first: $first) { episode { id } score } }';
type Trending = { trending: { episode: { id: string }; score: number }[] };

describe('trending', () => {
  let h: DiscoveryHarness;
  let oldBurst: EpisodeSnapshot;
  let recentPlays: EpisodeSnapshot;
  let recentLike: EpisodeSnapshot;
  let unpublished: EpisodeSnapshot;
  let likedThenUnliked: EpisodeSnapshot;

  const trending = async (window?: string, first?: number) => {
    const res = await h.call<Trending>(TRENDING, { window, first });
    if (res.errors) throw new Error(JSON.stringify(res.errors));
    return res.data!.trending;
  };
  const ids = (list: Trending['trending']) => list.map((t) => t.episode.id);

  beforeAll(async () => {
    h = await startDiscovery();
    const show = await createShow(h);
    [oldBurst, recentPlays, recentLike, unpublished, likedThenUnliked] = await Promise.all(
      ['Old burst', 'Recent plays', 'Recent like', 'Unpublished', 'Liked then unliked'].map((title) => publishEpisode(h, show.showId, { title })),
    );
    for (let i = 0; i < 10; i += 1) await play(h, oldBurst.episodeId, randomUUID(), hoursAgo(100));
    for (let i = 0; i < 5; i += 1) await play(h, recentPlays.episodeId, randomUUID(), hoursAgo(1));
    await like(h, recentLike.episodeId, randomUUID(), hoursAgo(2));
    for (let i = 0; i < 50; i += 1) await play(h, unpublished.episodeId, randomUUID(), hoursAgo(1));
    await emit(h, EpisodeUnpublished, unpublished.episodeId, { ...unpublished, status: 'DRAFT', publishedAt: null });
    const fan = randomUUID();
    await like(h, likedThenUnliked.episodeId, fan, hoursAgo(50));
    await unlike(h, likedThenUnliked.episodeId, fan);
    // a progress report is not a play
    await emit(h, PlayRecorded, oldBurst.episodeId, {
      episodeId: oldBurst.episodeId, userId: randomUUID(), positionSeconds: 30, completed: false, counted: false,
    });
    await settle(h);
  });
  afterAll(async () => {
    await h?.stop();
  });

  it('ranks recent activity above an older, bigger burst, with likes worth three plays', async () => {
    const week = await trending('WEEK');
    expect(ids(week)).toEqual([recentPlays.episodeId, recentLike.episodeId, oldBurst.episodeId]);
    const [plays, liked, old] = week.map((t) => t.score);
    // 5 plays 1–2 hours old, half-life one day
    expect(plays).toBeGreaterThan(5 * 2 ** (-2 / 24));
    expect(plays).toBeLessThanOrEqual(5 * 2 ** (-1 / 24));
    expect(liked).toBeGreaterThan(3 * 2 ** (-3 / 24));
    expect(liked).toBeLessThanOrEqual(3 * 2 ** (-2 / 24));
    expect(old).toBeLessThan(10 * 2 ** (-99 / 24));
  });

  it('only counts activity inside the window', async () => {
    expect(ids(await trending('DAY'))).toEqual([recentPlays.episodeId, recentLike.episodeId]);
    expect(ids(await trending())).toEqual([recentPlays.episodeId, recentLike.episodeId]);
    // a month decays with a half-life of a week: the bigger burst four days ago still leads
    expect(ids(await trending('MONTH'))).toEqual([oldBurst.episodeId, recentPlays.episodeId, recentLike.episodeId]);
  });

  it('leaves out unpublished episodes and takes an unliked like back from where it was counted', async () => {
    const month = ids(await trending('MONTH'));
    expect(month).not.toContain(unpublished.episodeId);
    expect(month).not.toContain(likedThenUnliked.episodeId);
    const rows = await h.running.db.dataSource.query('SELECT likes FROM episode_activity WHERE episode_id = $1', [likedThenUnliked.episodeId]);
    expect(rows).toEqual([{ likes: 0 }]);
  });

  it('returns at most `first` episodes and checks it', async () => {
    expect(ids(await trending('WEEK', 1))).toEqual([recentPlays.episodeId]);
    expect(errorOf(await h.call(TRENDING, { first: 0 }))).toEqual({ code: 'BAD_USER_INPUT', field: 'first' });
    expect(errorOf(await h.call(TRENDING, { first: 101 }))).toEqual({ code: 'BAD_USER_INPUT', field: 'first' });
  });
});
