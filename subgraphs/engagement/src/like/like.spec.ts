import { randomUUID } from 'node:crypto';
import { EpisodeUnpublished } from '@wavegraph/events';
import { counts, errorOf, outboxOf, startEngagement, viewer, type EngagementHarness } from '../testing/harness';

const LIKE = 'mutation($id: ID!) { likeEpisode(episodeId: $id) { id likeCount viewerHasLiked } }';
const UNLIKE = 'mutation($id: ID!) { unlikeEpisode(episodeId: $id) { id likeCount viewerHasLiked } }';
const LIKED = `query($r: [_Any!]!, $first: Int, $after: String) {
  _entities(representations: $r) { ... on User { likedEpisodes(first: $first, after: $after) { edges { node { id } } pageInfo { hasNextPage endCursor } } } }
}`;
type EpisodeLikes = { id: string; likeCount: number; viewerHasLiked: boolean };
type Liked = { likedEpisodes: { edges: { node: { id: string } }[]; pageInfo: { hasNextPage: boolean; endCursor: string | null } } };

describe('likes', () => {
  let h: EngagementHarness;
  beforeAll(async () => {
    h = await startEngagement();
  });
  afterAll(async () => {
    await h?.stop();
  });

  it('likes once however often asked, and unlikes the same way', async () => {
    const { episodeId } = await h.catalog.episode();
    const alice = viewer();
    const bob = viewer();
    const first = await h.call<{ likeEpisode: EpisodeLikes }>(LIKE, { id: episodeId }, alice);
    expect(first.data?.likeEpisode).toEqual({ id: episodeId, likeCount: 1, viewerHasLiked: true });
    const again = await h.call<{ likeEpisode: EpisodeLikes }>(LIKE, { id: episodeId }, alice);
    expect(again.data?.likeEpisode).toEqual({ id: episodeId, likeCount: 1, viewerHasLiked: true });
    const byBob = await h.call<{ likeEpisode: EpisodeLikes }>(LIKE, { id: episodeId.toUpperCase() }, bob);
    expect(byBob.data?.likeEpisode.likeCount).toBe(2);

    const events = await outboxOf(h, episodeId);
    expect(events.map((e) => [e.type, e.payload.userId])).toEqual([
      ['engagement.EpisodeLiked', alice.id],
      ['engagement.EpisodeLiked', bob.id],
    ]);
    expect(events[0].payload).toEqual({ episodeId, userId: alice.id, likedAt: expect.any(String) });

    const unliked = await h.call<{ unlikeEpisode: EpisodeLikes }>(UNLIKE, { id: episodeId }, alice);
    expect(unliked.data?.unlikeEpisode).toEqual({ id: episodeId, likeCount: 1, viewerHasLiked: false });
    await h.call(UNLIKE, { id: episodeId }, alice);
    const after = await outboxOf(h, episodeId);
    expect(after.slice(2).map((e) => [e.type, e.payload])).toEqual([['engagement.EpisodeUnliked', { episodeId, userId: alice.id }]]);

    const anonymous = await h.call<{ _entities: EpisodeLikes[] }>(
      'query($r: [_Any!]!) { _entities(representations: $r) { ... on Episode { id likeCount viewerHasLiked } } }',
      { r: [{ __typename: 'Episode', id: episodeId }] },
    );
    expect(anonymous.data?._entities[0]).toEqual({ id: episodeId, likeCount: 1, viewerHasLiked: false });
  });

  it('refuses likes of unknown, unpublished or malformed episodes and writes nothing', async () => {
    const draft = await h.catalog.episode('DRAFT');
    const archived = await h.catalog.episode('ARCHIVED');
    const before = await counts(h, ['likes', 'episode_stats', 'outbox']);
    for (const id of [draft.episodeId, archived.episodeId, randomUUID()]) {
      const res = await h.call(LIKE, { id }, viewer());
      expect(errorOf(res)).toEqual({ code: 'NOT_FOUND', field: 'episodeId' });
      expect(res.errors?.[0].message).toBe('Episode not found or not published');
    }
    expect(errorOf(await h.call(LIKE, { id: 'not-a-uuid' }, viewer()))).toEqual({ code: 'BAD_USER_INPUT', field: 'episodeId' });
    expect(errorOf(await h.call(UNLIKE, { id: randomUUID() }, viewer()))).toEqual({ code: 'NOT_FOUND', field: 'episodeId' });
    expect(await counts(h, ['likes', 'episode_stats', 'outbox'])).toEqual(before);
  });

  it('needs a signed-in viewer', async () => {
    const { episodeId } = await h.catalog.episode();
    expect(errorOf(await h.call(LIKE, { id: episodeId }))).toEqual({ code: 'UNAUTHENTICATED', field: undefined });
    expect(errorOf(await h.call(UNLIKE, { id: episodeId }))).toEqual({ code: 'UNAUTHENTICATED', field: undefined });
    expect(await outboxOf(h, episodeId)).toEqual([]);
  });

  it('lists what a user liked, newest first, paged, without episodes that left publication', async () => {
    const alice = viewer();
    const liked: string[] = [];
    const shows: { showId: string; ownerId: string }[] = [];
    for (let i = 0; i < 3; i += 1) {
      const { episodeId, showId, ownerId } = await h.catalog.episode();
      shows.unshift({ showId, ownerId });
      await h.call(LIKE, { id: episodeId }, alice);
      liked.unshift(episodeId);
    }
    const r = [{ __typename: 'User', id: alice.id }];
    const page1 = await h.call<{ _entities: Liked[] }>(LIKED, { r, first: 2 });
    expect(page1.data?._entities[0].likedEpisodes.edges.map((e) => e.node.id)).toEqual(liked.slice(0, 2));
    expect(page1.data?._entities[0].likedEpisodes.pageInfo.hasNextPage).toBe(true);
    const page2 = await h.call<{ _entities: Liked[] }>(LIKED, { r, first: 2, after: page1.data?._entities[0].likedEpisodes.pageInfo.endCursor });
    expect(page2.data?._entities[0].likedEpisodes.edges.map((e) => e.node.id)).toEqual(liked.slice(2));
    expect(page2.data?._entities[0].likedEpisodes.pageInfo.hasNextPage).toBe(false);
    expect(errorOf(await h.call(LIKED, { r, after: 'nope' }))).toEqual({ code: 'BAD_USER_INPUT', field: 'after' });

    // catalog unpublishes the newest one: it leaves the list (and the like stays for a re-publish)
    await h.catalog.emit(EpisodeUnpublished, liked[0], h.catalog.snapshot({ episodeId: liked[0], ...shows[0] }, 'DRAFT'));
    const now = await h.call<{ _entities: Liked[] }>(LIKED, { r, first: 10 });
    expect(now.data?._entities[0].likedEpisodes.edges.map((e) => e.node.id)).toEqual(liked.slice(1));
  });
});
