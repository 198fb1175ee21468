import { randomUUID } from 'node:crypto';
import { counts, errorOf, outboxOf, startEngagement, viewer, type EngagementHarness } from '../testing/harness';

const FOLLOW = 'mutation($id: ID!) { followShow(showId: $id) { id followerCount viewerFollows } }';
const UNFOLLOW = 'mutation($id: ID!) { unfollowShow(showId: $id) { id followerCount viewerFollows } }';
const FOLLOWING = `query($r: [_Any!]!, $first: Int, $after: String) { _entities(representations: $r) { ... on User {
  following(first: $first, after: $after) { edges { node { id } } pageInfo { hasNextPage endCursor } }
} } }`;
type ShowFollows = { id: string; followerCount: number; viewerFollows: boolean };
type Following = { following: { edges: { node: { id: string } }[]; pageInfo: { hasNextPage: boolean; endCursor: string | null } } };

describe('follows', () => {
  let h: EngagementHarness;
  beforeAll(async () => {
    h = await startEngagement();
  });
  afterAll(async () => {
    await h?.stop();
  });

  it('follows once however often asked, and unfollows the same way', async () => {
    const { showId } = await h.catalog.show();
    const alice = viewer();
    expect((await h.call<{ followShow: ShowFollows }>(FOLLOW, { id: showId }, alice)).data?.followShow).toEqual({ id: showId, followerCount: 1, viewerFollows: true });
    expect((await h.call<{ followShow: ShowFollows }>(FOLLOW, { id: showId }, alice)).data?.followShow).toEqual({ id: showId, followerCount: 1, viewerFollows: true });
    expect((await h.call<{ followShow: ShowFollows }>(FOLLOW, { id: showId }, viewer())).data?.followShow.followerCount).toBe(2);
    expect((await h.call<{ unfollowShow: ShowFollows }>(UNFOLLOW, { id: showId }, alice)).data?.unfollowShow).toEqual({ id: showId, followerCount: 1, viewerFollows: false });
    await h.call(UNFOLLOW, { id: showId }, alice);

    const events = await outboxOf(h, showId);
    expect(events.map((e) => e.type)).toEqual(['engagement.ShowFollowed', 'engagement.ShowFollowed', 'engagement.ShowUnfollowed']);
    expect(events[0].payload).toEqual({ showId, userId: alice.id });
    expect(events[2].payload).toEqual({ showId, userId: alice.id });
  });

  it('refuses unknown shows, bad ids and anonymous callers, writing nothing', async () => {
    const { showId } = await h.catalog.show();
    const before = await counts(h, ['follows', 'show_stats', 'outbox']);
    expect(errorOf(await h.call(FOLLOW, { id: randomUUID() }, viewer()))).toEqual({ code: 'NOT_FOUND', field: 'showId' });
    expect(errorOf(await h.call(UNFOLLOW, { id: randomUUID() }, viewer()))).toEqual({ code: 'NOT_FOUND', field: 'showId' });
    expect(errorOf(await h.call(FOLLOW, { id: 'show-1' }, viewer()))).toEqual({ code: 'BAD_USER_INPUT', field: 'showId' });
    expect(errorOf(await h.call(FOLLOW, { id: showId }))).toEqual({ code: 'UNAUTHENTICATED', field: undefined });
    expect(await counts(h, ['follows', 'show_stats', 'outbox'])).toEqual(before);
  });

  it('lists the shows a user follows, most recent first, paged', async () => {
    const alice = viewer();
    const followed: string[] = [];
    for (let i = 0; i < 3; i += 1) {
      const { showId } = await h.catalog.show();
      await h.call(FOLLOW, { id: showId }, alice);
      followed.unshift(showId);
    }
    const r = [{ __typename: 'User', id: alice.id }];
    const page1 = (await h.call<{ _entities: Following[] }>(FOLLOWING, { r, first: 2 })).data!._entities[0].following;
    expect(page1.edges.map((e) => e.node.id)).toEqual(followed.slice(0, 2));
    const page2 = (await h.call<{ _entities: Following[] }>(FOLLOWING, { r, first: 2, after: page1.pageInfo.endCursor })).data!._entities[0].following;
    expect(page2.edges.map((e) => e.node.id)).toEqual(followed.slice(2));
    expect(page2.pageInfo.hasNextPage).toBe(false);
  });
});
