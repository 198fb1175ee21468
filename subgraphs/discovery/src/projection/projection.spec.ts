import { randomUUID } from 'node:crypto';
import { deadLetterStreamOf, EpisodeArchived, EpisodeLiked, EpisodePublished, EpisodeUnliked, EpisodeUnpublished, EpisodeUpdated, PlayRecorded, ShowUpdated, streamOf } from '@wavegraph/events';
import { createShow, emit, eventually, publishEpisode, settle, startDiscovery, type DiscoveryHarness } from '../testing/harness';
import { DISCOVERY_GROUP } from './projection';

const SEARCH = 'query($q: String!, $filter: SearchFilter) { search(query: $q, filter: $filter, first: 50) { edges { node { episode { id } show { id } } } } }';
const BROWSE = 'query($category: ShowCategory) { browse(category: $category, first: 100) { edges { node { id } } } }';

describe('projections built from events', () => {
  let h: DiscoveryHarness;
  beforeAll(async () => {
    h = await startDiscovery();
  });
  afterAll(async () => {
    await h?.stop();
  });

  const found = async (q: string, filter?: Record<string, unknown>) => {
    const res = await h.call<{ search: { edges: { node: { episode: { id: string } | null; show: { id: string } | null } }[] } }>(SEARCH, { q, filter });
    if (res.errors) throw new Error(JSON.stringify(res.errors));
    return res.data!.search.edges.map((e) => e.node.episode?.id ?? e.node.show?.id);
  };
  const browsed = async (category?: string) =>
    (await h.call<{ browse: { edges: { node: { id: string } }[] } }>(BROWSE, { category })).data!.browse.edges.map((e) => e.node.id);

  it('makes a published episode searchable and browsable, and takes it away when unpublished or archived', async () => {
    const show = await createShow(h, { title: 'Lifecycle show' });
    const a = await publishEpisode(h, show.showId, { title: 'Quokka habits' });
    const b = await publishEpisode(h, show.showId, { title: 'Quokka diets' });
    await eventually(async () => expect((await found('quokka')).sort()).toEqual([a.episodeId, b.episodeId].sort()));
    expect(await browsed()).toEqual(expect.arrayContaining([a.episodeId, b.episodeId]));

    await emit(h, EpisodeUnpublished, a.episodeId, { ...a, status: 'DRAFT', publishedAt: null });
    await emit(h, EpisodeArchived, b.episodeId, { ...b, status: 'ARCHIVED' });
    await eventually(async () => expect(await found('quokka')).toEqual([]));
    expect(await browsed()).not.toEqual(expect.arrayContaining([a.episodeId]));
    expect(await browsed()).not.toEqual(expect.arrayContaining([b.episodeId]));
  });

  it('never lets an older snapshot that arrives late override a newer one', async () => {
    const show = await createShow(h);
    const episode = await publishEpisode(h, show.showId, { title: 'Wombat burrows' }, { position: 1_000_010 });
    // the unpublish (newer) is delivered before an update made while it was still published (older)
    await emit(h, EpisodeUnpublished, episode.episodeId, { ...episode, status: 'DRAFT', publishedAt: null }, { position: 1_000_030 });
    await emit(h, EpisodeUpdated, episode.episodeId, { ...episode, title: 'Wombat burrows revisited' }, { position: 1_000_020 });
    await settle(h);
    expect(await found('wombat')).toEqual([]);
    const [row] = await h.running.db.dataSource.query('SELECT title, status, position FROM episode_docs WHERE episode_id = $1', [episode.episodeId]);
    expect(row).toEqual({ title: 'Wombat burrows', status: 'DRAFT', position: '1000030' });
  });

  it('applies a show update to its episodes at once, and ignores an older show snapshot', async () => {
    const show = await createShow(h, { title: 'Moving show', category: 'SCIENCE' }, { position: 2_000_000 });
    const episode = await publishEpisode(h, show.showId, { title: 'Narwhal tusks' });
    await eventually(async () => expect(await found('narwhal', { category: 'SCIENCE' })).toEqual([episode.episodeId]));
    await emit(h, ShowUpdated, show.showId, { ...show, category: 'HISTORY' }, { position: 2_000_020 });
    await emit(h, ShowUpdated, show.showId, { ...show, category: 'MUSIC' }, { position: 2_000_010 });
    await settle(h);
    expect(await found('narwhal', { category: 'SCIENCE' })).toEqual([]);
    expect(await found('narwhal', { category: 'MUSIC' })).toEqual([]);
    expect(await found('narwhal', { category: 'HISTORY' })).toEqual([episode.episodeId]);
    expect(await browsed('HISTORY')).toEqual(expect.arrayContaining([episode.episodeId]));
  });

  it('waits for the show before listing an episode whose show event comes later (out of order across aggregates)', async () => {
    const showId = randomUUID();
    const episode = await publishEpisode(h, showId, { title: 'Axolotl gills' });
    await emit(h, PlayRecorded, episode.episodeId, { episodeId: episode.episodeId, userId: randomUUID(), positionSeconds: 0, completed: false, counted: true });
    await settle(h);
    expect(await found('axolotl')).toEqual([]);
    await createShow(h, { showId, title: 'Late show' });
    await eventually(async () => expect(await found('axolotl')).toEqual([episode.episodeId]));
    const trending = await h.call<{ trending: { episode: { id: string } }[] }>('{ trending(first: 100) { episode { id } } }');
    expect(trending.data!.trending.map((t) => t.episode.id)).toContain(episode.episodeId);
  });

  it('applies a redelivered event once', async () => {
    const show = await createShow(h);
    const episode = await publishEpisode(h, show.showId, { title: 'Redelivered' });
    const userId = randomUUID();
    const liked = await emit(h, EpisodeLiked, episode.episodeId, { episodeId: episode.episodeId, userId, likedAt: new Date().toISOString() });
    const played = { episodeId: episode.episodeId, userId, positionSeconds: 0, completed: false, counted: true };
    const first = await emit(h, PlayRecorded, episode.episodeId, played);
    await emit(h, PlayRecorded, episode.episodeId, played, { id: first.id, occurredAt: first.occurredAt, position: first.position });
    await emit(h, EpisodeLiked, episode.episodeId, liked.payload, { id: liked.id, occurredAt: liked.occurredAt, position: liked.position });
    await settle(h);
    const activity = await h.running.db.dataSource.query('SELECT sum(plays)::int AS plays, sum(likes)::int AS likes FROM episode_activity WHERE episode_id = $1', [episode.episodeId]);
    expect(activity).toEqual([{ plays: 1, likes: 1 }]);
    const affinity = await h.running.db.dataSource.query('SELECT weight FROM listener_affinity WHERE episode_id = $1', [episode.episodeId]);
    expect(affinity).toEqual([{ weight: 4 }]);
  });

  it('sends a poison message to the dead-letter stream and carries on', async () => {
    const show = await createShow(h);
    await h.redis.xadd(streamOf(h.redisPrefix, 'catalog'), '*', 'type', `${EpisodePublished.type}@1`, 'event', '{"not": "an event"}');
    const after = await publishEpisode(h, show.showId, { title: 'Survivor after poison' });
    await eventually(async () => expect(await found('survivor')).toEqual([after.episodeId]));
    const dead = (await h.redis.xrange(deadLetterStreamOf(h.redisPrefix, DISCOVERY_GROUP), '-', '+')) as [string, string[]][];
    expect(dead).toHaveLength(1);
    expect(dead[0][1]).toEqual(expect.arrayContaining(['reason', expect.stringContaining('invalid envelope')]));
  });
  it('keeps the later of a like and an unlike, whichever arrives first', async () => {
    const show = await createShow(h, { title: 'Order matters' });
    const episode = await publishEpisode(h, show.showId, { title: 'Either way round' });
    const [early, late] = [randomUUID(), randomUUID()];
    const now = new Date().toISOString();
    // early: liked then unliked, but the unlike arrives first (the like was being retried)
    await emit(h, EpisodeUnliked, episode.episodeId, { episodeId: episode.episodeId, userId: early }, { position: 9_000_002 });
    await emit(h, EpisodeLiked, episode.episodeId, { episodeId: episode.episodeId, userId: early, likedAt: now }, { position: 9_000_001 });
    // late: unliked then liked again, the like arriving first
    await emit(h, EpisodeLiked, episode.episodeId, { episodeId: episode.episodeId, userId: late, likedAt: now }, { position: 9_000_004 });
    await emit(h, EpisodeUnliked, episode.episodeId, { episodeId: episode.episodeId, userId: late }, { position: 9_000_003 });
    await settle(h);
    const [activity] = await h.running.db.dataSource.query('SELECT coalesce(sum(likes), 0)::int AS likes FROM episode_activity WHERE episode_id = $1', [episode.episodeId]);
    expect(activity.likes).toBe(1);
    const affinity = await h.running.db.dataSource.query(
      'SELECT user_id, weight, liked_at IS NOT NULL AS liked FROM listener_affinity WHERE episode_id = $1 ORDER BY weight',
      [episode.episodeId],
    );
    expect(affinity).toEqual([
      { user_id: early, weight: 0, liked: false },
      { user_id: late, weight: 3, liked: true },
    ]);
  });
});
