import { randomUUID } from 'node:crypto';
import type { Viewer } from '@wavegraph/auth';
import { counts, errorOf, outboxOf, startEngagement, viewer, type EngagementHarness } from '../testing/harness';

const POST = 'mutation($e: ID!, $b: String!, $p: ID) { postComment(episodeId: $e, body: $b, parentId: $p) { id body deleted editedAt parent { id } author { id } episode { id } } }';
const EDIT = 'mutation($id: ID!, $b: String!) { editComment(id: $id, body: $b) { id body editedAt } }';
const DELETE = 'mutation($id: ID!) { deleteComment(id: $id) { id body deleted } }';
const THREAD = `query($r: [_Any!]!, $first: Int, $after: String) { _entities(representations: $r) { ... on Episode {
  commentCount
  comments(first: $first, after: $after) { edges { node { id body deleted replyCount replies(first: 10) { edges { node { id body parent { id } } } } } } pageInfo { hasNextPage endCursor } }
} } }`;

type Posted = { id: string; body: string | null; deleted: boolean; editedAt: string | null; parent: { id: string } | null; author: { id: string }; episode: { id: string } };
type ThreadNode = { id: string; body: string | null; deleted: boolean; replyCount: number; replies: { edges: { node: { id: string; body: string | null; parent: { id: string } } }[] } };
type Thread = { commentCount: number; comments: { edges: { node: ThreadNode }[]; pageInfo: { hasNextPage: boolean; endCursor: string | null } } };

describe('comments', () => {
  let h: EngagementHarness;
  beforeAll(async () => {
    h = await startEngagement();
  });
  afterAll(async () => {
    await h?.stop();
  });

  const post = async (who: Viewer, episodeId: string, body: string, parentId?: string): Promise<Posted> => {
    const res = await h.call<{ postComment: Posted }>(POST, { e: episodeId, b: body, p: parentId ?? null }, who);
    if (!res.data?.postComment) throw new Error(`postComment failed: ${JSON.stringify(res.errors)}`);
    return res.data.postComment;
  };
  const thread = async (episodeId: string, first = 20, after: string | null = null): Promise<Thread> =>
    (await h.call<{ _entities: Thread[] }>(THREAD, { r: [{ __typename: 'Episode', id: episodeId }], first, after })).data!._entities[0];

  it('posts comments and replies that read back as a thread, oldest first', async () => {
    const { episodeId, ownerId } = await h.catalog.episode();
    const alice = viewer();
    const bob = viewer();
    const first = await post(alice, episodeId, '  First!  ');
    expect(first).toEqual({ id: first.id, body: 'First!', deleted: false, editedAt: null, parent: null, author: { id: alice.id }, episode: { id: episodeId } });
    const second = await post(bob, episodeId, 'Second');
    const reply = await post(bob, episodeId, 'Welcome', first.id);
    const nested = await post(alice, episodeId, 'Thanks', reply.id);
    expect(reply.parent).toEqual({ id: first.id });

    const read = await thread(episodeId);
    expect(read.commentCount).toBe(4);
    expect(read.comments.edges.map((e) => e.node.id)).toEqual([first.id, second.id]);
    expect(read.comments.edges[0].node.replyCount).toBe(1);
    expect(read.comments.edges[0].node.replies.edges.map((e) => e.node)).toEqual([{ id: reply.id, body: 'Welcome', parent: { id: first.id } }]);

    const events = await outboxOf(h, episodeId);
    expect(events.map((e) => e.type)).toEqual(Array(4).fill('engagement.CommentPosted'));
    // the episode's owner travels with the comment, so notifications can tell them
    expect(events[2].payload).toEqual({ commentId: reply.id, episodeId, authorId: bob.id, parentId: first.id, parentAuthorId: alice.id, body: 'Welcome', episodeOwnerId: ownerId });
    expect(events[3].payload).toMatchObject({ commentId: nested.id, parentAuthorId: bob.id });

    const byId = await h.call<{ comment: { id: string; body: string } }>('query($id: ID!) { comment(id: $id) { id body } }', { id: nested.id });
    expect(byId.data?.comment).toEqual({ id: nested.id, body: 'Thanks' });
  });

  it('pages top-level comments without overlap', async () => {
    const { episodeId } = await h.catalog.episode();
    const ids: string[] = [];
    for (let i = 0; i < 5; i += 1) ids.push((await post(viewer(), episodeId, `c${i}`)).id);
    const page1 = await thread(episodeId, 3);
    expect(page1.comments.pageInfo.hasNextPage).toBe(true);
    const page2 = await thread(episodeId, 3, page1.comments.pageInfo.endCursor);
    expect(page2.comments.pageInfo.hasNextPage).toBe(false);
    expect([...page1.comments.edges, ...page2.comments.edges].map((e) => e.node.id)).toEqual(ids);
  });

  it('lets only the author edit, and records the edit', async () => {
    const { episodeId } = await h.catalog.episode();
    const alice = viewer();
    const comment = await post(alice, episodeId, 'Tpyo');
    const edited = await h.call<{ editComment: { id: string; body: string; editedAt: string } }>(EDIT, { id: comment.id, b: 'Typo' }, alice);
    expect(edited.data?.editComment).toEqual({ id: comment.id, body: 'Typo', editedAt: expect.any(String) });
    expect(errorOf(await h.call(EDIT, { id: comment.id, b: 'Mine now' }, viewer()))).toEqual({ code: 'FORBIDDEN', field: undefined });
    expect(errorOf(await h.call(EDIT, { id: comment.id, b: 'Mine now' }, viewer('ADMIN')))).toEqual({ code: 'FORBIDDEN', field: undefined });
    expect(errorOf(await h.call(EDIT, { id: randomUUID(), b: 'x' }, alice))).toEqual({ code: 'NOT_FOUND', field: undefined });
    const events = await outboxOf(h, episodeId);
    expect(events.map((e) => e.type)).toEqual(['engagement.CommentPosted', 'engagement.CommentEdited']);
    expect(events[1].payload).toEqual({ commentId: comment.id, episodeId, authorId: alice.id, body: 'Typo' });
  });

  it('deletes own comments in place; editors and the show owner moderate; others are refused', async () => {
    const { episodeId, ownerId } = await h.catalog.episode();
    const alice = viewer();
    const mine = await post(alice, episodeId, 'Regret');
    const reply = await post(viewer(), episodeId, 'Reply to regret', mine.id);
    const rude = await post(viewer(), episodeId, 'Rude');
    const spam = await post(viewer(), episodeId, 'Spam');

    expect(errorOf(await h.call(DELETE, { id: rude.id }, alice))).toEqual({ code: 'FORBIDDEN', field: undefined });
    expect(errorOf(await h.call(DELETE, { id: rude.id }))).toEqual({ code: 'UNAUTHENTICATED', field: undefined });
    const own = await h.call<{ deleteComment: { id: string; body: string | null; deleted: boolean } }>(DELETE, { id: mine.id }, alice);
    expect(own.data?.deleteComment).toEqual({ id: mine.id, body: null, deleted: true });
    const editor = viewer('EDITOR');
    expect((await h.call(DELETE, { id: rude.id }, editor)).errors).toBeUndefined();
    expect((await h.call(DELETE, { id: spam.id }, { id: ownerId, role: 'USER', plan: 'FREE' })).errors).toBeUndefined();
    // deleting again changes nothing and tells nobody
    expect((await h.call(DELETE, { id: mine.id }, alice)).errors).toBeUndefined();

    const read = await thread(episodeId);
    expect(read.comments.edges.map((e) => [e.node.id, e.node.body, e.node.deleted])).toEqual([
      [mine.id, null, true],
      [rude.id, null, true],
      [spam.id, null, true],
    ]);
    expect(read.comments.edges[0].node.replies.edges.map((e) => e.node.id)).toEqual([reply.id]);
    expect(read.commentCount).toBe(1);
    expect(errorOf(await h.call(EDIT, { id: mine.id, b: 'Back' }, alice))).toEqual({ code: 'NOT_FOUND', field: undefined });
    expect(errorOf(await h.call(POST, { e: episodeId, b: 'Hello?', p: mine.id }, alice))).toEqual({ code: 'BAD_USER_INPUT', field: 'parentId' });

    const deletions = (await outboxOf(h, episodeId)).filter((e) => e.type === 'engagement.CommentDeleted').map((e) => e.payload);
    expect(deletions).toEqual([
      { commentId: mine.id, episodeId, deletedBy: alice.id, moderated: false },
      { commentId: rude.id, episodeId, deletedBy: editor.id, moderated: true },
      { commentId: spam.id, episodeId, deletedBy: ownerId, moderated: true },
    ]);
  });

  it('refuses bad comments and writes nothing', async () => {
    const { episodeId } = await h.catalog.episode();
    const other = await h.catalog.episode();
    const draft = await h.catalog.episode('DRAFT');
    const alice = viewer();
    const parentElsewhere = await post(alice, other.episodeId, 'Elsewhere');
    expect((await post(alice, episodeId, 'x'.repeat(2000))).body).toHaveLength(2000);
    const before = await counts(h, ['comments', 'episode_stats', 'outbox']);
    const cases: [Record<string, unknown>, Viewer | null, { code: string; field?: string }][] = [
      [{ e: episodeId, b: '' }, alice, { code: 'BAD_USER_INPUT', field: 'body' }],
      [{ e: episodeId, b: '   \n ' }, alice, { code: 'BAD_USER_INPUT', field: 'body' }],
      [{ e: episodeId, b: 'x'.repeat(2001) }, alice, { code: 'BAD_USER_INPUT', field: 'body' }],
      [{ e: 'nope', b: 'Hi' }, alice, { code: 'BAD_USER_INPUT', field: 'episodeId' }],
      [{ e: episodeId, b: 'Hi', p: 'nope' }, alice, { code: 'BAD_USER_INPUT', field: 'parentId' }],
      [{ e: episodeId, b: 'Hi', p: parentElsewhere.id }, alice, { code: 'BAD_USER_INPUT', field: 'parentId' }],
      [{ e: episodeId, b: 'Hi', p: randomUUID() }, alice, { code: 'NOT_FOUND' }],
      [{ e: draft.episodeId, b: 'Hi' }, alice, { code: 'NOT_FOUND', field: 'episodeId' }],
      [{ e: randomUUID(), b: 'Hi' }, alice, { code: 'NOT_FOUND', field: 'episodeId' }],
      [{ e: episodeId, b: 'Hi' }, null, { code: 'UNAUTHENTICATED' }],
    ];
    for (const [variables, who, expected] of cases) {
      expect(errorOf(await h.call(POST, { p: null, ...variables }, who))).toEqual({ field: undefined, ...expected });
    }
    const comment = await post(alice, episodeId, 'Fine');
    const afterPost = await counts(h, ['comments', 'episode_stats', 'outbox']);
    expect(errorOf(await h.call(EDIT, { id: comment.id, b: ' ' }, alice))).toEqual({ code: 'BAD_USER_INPUT', field: 'body' });
    expect(errorOf(await h.call(EDIT, { id: comment.id, b: 'y'.repeat(2001) }, alice))).toEqual({ code: 'BAD_USER_INPUT', field: 'body' });
    expect(await counts(h, ['comments', 'episode_stats', 'outbox'])).toEqual(afterPost);
    expect(afterPost.comments).toBe(before.comments + 1);
  });
});
