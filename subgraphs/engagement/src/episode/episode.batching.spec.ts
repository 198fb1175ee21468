import { randomUUID } from 'node:crypto';
import { EpisodePublished } from '@wavegraph/events';
import { startEngagement, viewer, type EngagementHarness } from '../testing/harness';

const EPISODES = `query($r: [_Any!]!) { _entities(representations: $r) { ... on Episode {
  id likeCount viewerHasLiked playCount commentCount viewerProgress { positionSeconds }
  comments(first: 3) { edges { node { id body author { id } replyCount replies(first: 2) { edges { node { id } } } } } }
} } }`;
const USERS = `query($r: [_Any!]!) { _entities(representations: $r) { ... on User {
  id likedEpisodes(first: 5) { edges { node { id } } }
  following(first: 5) { edges { node { id followerCount viewerFollows } } }
  playlists(first: 5) { edges { node { id episodeCount episodes(first: 5) { edges { node { id likeCount } } } } } }
} } }`;

type EpisodeRow = { id: string; likeCount: number; viewerHasLiked: boolean; playCount: number; commentCount: number; comments: { edges: { node: { replyCount: number } }[] } };

describe('batching of engagement fields', () => {
  let h: EngagementHarness;
  const alice = viewer();
  const episodeIds: string[] = [];
  const users = Array.from({ length: 12 }, () => viewer());

  beforeAll(async () => {
    h = await startEngagement();
    const show = await h.catalog.show();
    let last = '';
    for (let i = 0; i < 30; i += 1) {
      const data = { episodeId: randomUUID(), ...show };
      episodeIds.push(data.episodeId);
      last = (await h.catalog.append(EpisodePublished, data.episodeId, h.catalog.snapshot(data, 'PUBLISHED'))).id;
    }
    // one consumer applies the stream in order: the last event applied means all were
    await h.catalog.applied(last);
    for (const [i, episodeId] of episodeIds.entries()) {
      if (i % 2 === 0) await h.call('mutation($id: ID!) { likeEpisode(episodeId: $id) { id } }', { id: episodeId }, alice);
      await h.call('mutation($id: ID!) { recordPlay(episodeId: $id, positionSeconds: 10) { completed } }', { id: episodeId }, alice);
      const posted = await h.call<{ postComment: { id: string } }>('mutation($id: ID!) { postComment(episodeId: $id, body: "hi") { id } }', { id: episodeId }, alice);
      await h.call('mutation($id: ID!, $p: ID) { postComment(episodeId: $id, body: "re", parentId: $p) { id } }', { id: episodeId, p: posted.data?.postComment.id }, alice);
    }
    for (const user of users) {
      await h.call('mutation($id: ID!) { likeEpisode(episodeId: $id) { id } }', { id: episodeIds[0] }, user);
      await h.call('mutation($id: ID!) { followShow(showId: $id) { id } }', { id: show.showId }, user);
      const playlist = await h.call<{ createPlaylist: { id: string } }>('mutation { createPlaylist(name: "Mine", isPublic: true) { id } }', {}, user);
      await h.call('mutation($p: ID!, $e: ID!) { addToPlaylist(playlistId: $p, episodeId: $e) { id } }', { p: playlist.data?.createPlaylist.id, e: episodeIds[1] }, user);
    }
  });
  afterAll(async () => {
    await h?.stop();
  });

  const costOf = async <T>(query: string, representations: object[], expectRows: (rows: T[]) => void): Promise<number> => {
    h.running.db.queries.reset();
    const res = await h.call<{ _entities: T[] }>(query, { r: representations }, alice);
    const cost = h.running.db.queries.count();
    expect(res.errors).toBeUndefined();
    expectRows(res.data!._entities);
    return cost;
  };

  it('resolves 5 or 30 episodes with the same number of queries', async () => {
    const refs = (n: number) => episodeIds.slice(0, n).map((id) => ({ __typename: 'Episode', id }));
    const check = (rows: EpisodeRow[]) => {
      expect(rows[0]).toMatchObject({ likeCount: 13, viewerHasLiked: true, playCount: 1, commentCount: 2 });
      expect(rows[1]).toMatchObject({ likeCount: 0, viewerHasLiked: false });
      expect(rows.every((row) => row.comments.edges.length === 1 && row.comments.edges[0].node.replyCount === 1)).toBe(true);
    };
    const small = await costOf<EpisodeRow>(EPISODES, refs(5), check);
    const large = await costOf<EpisodeRow>(EPISODES, refs(30), check);
    expect(large).toBe(small);
    // visibility (known_episodes, shared by the episodes' and their comments' guards), stats, viewer likes,
    // viewer progress, top-level comments, reply counts, replies
    expect(large).toBe(7);
  });

  it('resolves 2 or 12 users with the same number of queries', async () => {
    const refs = (n: number) => users.slice(0, n).map((user) => ({ __typename: 'User', id: user.id }));
    type UserRow = { likedEpisodes: { edges: unknown[] }; following: { edges: unknown[] }; playlists: { edges: { node: { episodeCount: number } }[] } };
    const check = (rows: UserRow[]) => {
      for (const row of rows) {
        expect([row.likedEpisodes.edges.length, row.following.edges.length, row.playlists.edges[0].node.episodeCount]).toEqual([1, 1, 1]);
      }
    };
    const small = await costOf<UserRow>(USERS, refs(2), check);
    const large = await costOf<UserRow>(USERS, refs(12), check);
    expect(large).toBe(small);
    // likes, follows, show stats, viewer follows, playlists, items, item counts, episode visibility, episode stats
    expect(large).toBe(9);
  });
});
