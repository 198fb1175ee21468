import type { Viewer } from '@wavegraph/auth';
import { EpisodePublished, EpisodeUnpublished } from '@wavegraph/events';
import type { KnownEpisodeData } from '@wavegraph/testkit';
import { startEngagement, viewer, type EngagementHarness } from '../testing/harness';

const ENGAGEMENT = `query($r: [_Any!]!) { _entities(representations: $r) { ... on Episode {
  id likeCount viewerHasLiked playCount commentCount viewerProgress { positionSeconds } comments(first: 5) { edges { node { id body } } }
} } }`;
const FIELDS = ['likeCount', 'viewerHasLiked', 'playCount', 'commentCount', 'viewerProgress', 'comments'];

describe("engagement's fields follow catalog's episode visibility", () => {
  let h: EngagementHarness;
  let episode: KnownEpisodeData;
  let commentId: string;
  const listener = viewer();
  const editor = viewer('EDITOR');
  const admin = viewer('ADMIN');
  let owner: Viewer;

  const setStatus = async (status: 'PUBLISHED' | 'DRAFT') => {
    const contract = status === 'PUBLISHED' ? EpisodePublished : EpisodeUnpublished;
    await h.catalog.emit(contract, episode.episodeId, h.catalog.snapshot(episode, status));
  };
  const engagementOf = (who: Viewer | null) => h.call<{ _entities: Record<string, unknown>[] }>(ENGAGEMENT, { r: [{ __typename: 'Episode', id: episode.episodeId }] }, who);

  beforeAll(async () => {
    h = await startEngagement();
    episode = await h.catalog.episode('PUBLISHED');
    owner = { id: episode.ownerId, role: 'USER', plan: 'FREE' };
    await h.call('mutation($id: ID!) { likeEpisode(episodeId: $id) { id } }', { id: episode.episodeId }, listener);
    await h.call('mutation($id: ID!) { recordPlay(episodeId: $id, positionSeconds: 30) { completed } }', { id: episode.episodeId }, listener);
    const posted = await h.call<{ postComment: { id: string } }>('mutation($id: ID!) { postComment(episodeId: $id, body: "lovely") { id } }', { id: episode.episodeId }, listener);
    commentId = posted.data!.postComment.id;
    await setStatus('DRAFT');
  });
  afterAll(async () => {
    await h?.stop();
  });

  it.each([
    ['anonymous', null],
    ['the listener who engaged', listener],
  ])('gives %s nothing of an unpublished episode: every field null with NOT_FOUND', async (_who, who) => {
    const res = await engagementOf(who as Viewer | null);
    const [row] = res.data!._entities;
    expect(row).toEqual({ id: episode.episodeId, likeCount: null, viewerHasLiked: null, playCount: null, commentCount: null, viewerProgress: null, comments: null });
    expect(res.errors?.map((e) => e.extensions?.code)).toEqual(FIELDS.map(() => 'NOT_FOUND'));
  });

  it.each([
    ['the owner', () => owner],
    ['an editor', () => editor],
    ['an admin', () => admin],
  ])('shows %s everything', async (_who, who) => {
    const res = await engagementOf(who());
    expect(res.errors).toBeUndefined();
    expect(res.data!._entities[0]).toMatchObject({ likeCount: 1, playCount: 1, commentCount: 1, comments: { edges: [{ node: { id: commentId, body: 'lovely' } }] } });
  });

  it('hides the episode behind mutations that answer with it, while the mutation still takes effect', async () => {
    const unliked = await h.call<{ unlikeEpisode: Record<string, unknown> }>(
      'mutation($id: ID!) { unlikeEpisode(episodeId: $id) { id likeCount viewerHasLiked comments { edges { node { id } } } } }',
      { id: episode.episodeId },
      listener,
    );
    expect(unliked.data?.unlikeEpisode).toEqual({ id: episode.episodeId, likeCount: null, viewerHasLiked: null, comments: null });
    expect(unliked.errors?.every((e) => e.extensions?.code === 'NOT_FOUND')).toBe(true);
    expect(await h.count('likes')).toBe(0);
    // taking the like back is the listener's right; liking again is refused
    const like = await h.call('mutation($id: ID!) { likeEpisode(episodeId: $id) { id likeCount } }', { id: episode.episodeId }, listener);
    expect(like.errors?.[0].extensions?.code).toBe('NOT_FOUND');
    expect(await h.count('likes')).toBe(0);
  });

  it("hides a comment on an unpublished episode from its own author, through deleteComment and Comment references", async () => {
    const deleted = await h.call<{ deleteComment: Record<string, unknown> | null }>(
      'mutation($id: ID!) { deleteComment(id: $id) { id body deleted episode { id likeCount } } }',
      { id: commentId },
      listener,
    );
    expect(deleted.data?.deleteComment ?? null).toBeNull();
    expect(deleted.errors?.[0].extensions?.code).toBe('NOT_FOUND');
    const ref = await h.call<{ _entities: unknown[] }>('query($r: [_Any!]!) { _entities(representations: $r) { ... on Comment { id body } } }', { r: [{ __typename: 'Comment', id: commentId }] }, listener);
    expect(ref.data?._entities).toEqual([null]);
    const byOwner = await h.call<{ _entities: unknown[] }>('query($r: [_Any!]!) { _entities(representations: $r) { ... on Episode { commentCount comments { edges { node { id deleted } } } } } }', { r: [{ __typename: 'Episode', id: episode.episodeId }] }, owner);
    expect(byOwner.data?._entities).toEqual([{ commentCount: 0, comments: { edges: [{ node: { id: commentId, deleted: true } }] } }]);
  });

  it('shows everything to everyone again once republished', async () => {
    await setStatus('PUBLISHED');
    const res = await engagementOf(null);
    expect(res.errors).toBeUndefined();
    expect(res.data!._entities[0]).toMatchObject({ likeCount: 0, playCount: 1, commentCount: 0, viewerHasLiked: false, comments: { edges: [{ node: { id: commentId, body: null } }] } });
  });
});
