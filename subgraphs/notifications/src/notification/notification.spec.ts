import { randomUUID } from 'node:crypto';
import { CommentPosted, EpisodeCreated, EpisodePublished, MediaFailed, MediaReady, PaymentRefunded, ShowFollowed, ShowUnfollowed, UserPlanChanged, UserRegistered, type EventContract, type PayloadOf } from '@wavegraph/events';
import { inboxOf, startNotifications, viewer, type NotificationsHarness } from '../testing/harness';

type Episode = PayloadOf<typeof EpisodePublished>;

const MARK = 'mutation($ids: [ID!], $all: Boolean) { markNotificationsRead(ids: $ids, all: $all) }';

describe('notifications inbox, fed by events', () => {
  let h: NotificationsHarness;
  beforeAll(async () => {
    h = await startNotifications();
  });
  afterAll(async () => {
    await h?.stop();
  });

  const episode = (showId: string, ownerId: string, title = 'Pilot'): Episode => ({
    episodeId: randomUUID(), showId, ownerId, title, description: '', seasonNumber: null, episodeNumber: null, status: 'PUBLISHED', publishedAt: new Date().toISOString(),
  });
  const follow = (showId: string, userId: string, position: number, occurredAt = new Date().toISOString()) => h.emit(ShowFollowed, showId, { showId, userId }, { position, occurredAt });
  const kinds = async (user = viewer()) => (await inboxOf(h, user)).notifications.edges.map((e) => e.node.kind);

  it('welcomes a new user once, even when the event is delivered again', async () => {
    const ada = viewer();
    const registered = await h.emit(UserRegistered, ada.id, { userId: ada.id, handle: 'ada', displayName: 'Ada', role: 'USER', plan: 'FREE' });
    await h.emit(UserRegistered, ada.id, registered.payload, { id: registered.id });
    await h.settle();
    const inbox = await inboxOf(h, ada);
    expect(inbox.unreadNotificationCount).toBe(1);
    expect(inbox.notifications.edges.map((e) => e.node)).toEqual([
      expect.objectContaining({ kind: 'WELCOME', message: 'Welcome to Wavegraph, Ada!', read: false, readAt: null, episode: null, actor: null }),
    ]);
  });

  it('tells a user when Premium starts and ends, and when a payment is refunded, once each', async () => {
    const payer = viewer();
    const started = await h.emit(UserPlanChanged, payer.id, { userId: payer.id, plan: 'PREMIUM', previousPlan: 'FREE' });
    await h.emit(UserPlanChanged, payer.id, started.payload, { id: started.id });
    await h.emit(PaymentRefunded, payer.id, { userId: payer.id, stripeChargeId: 'ch_1', stripeCustomerId: 'cus_1', amount: 499, currency: 'usd', fullyRefunded: true });
    await h.emit(UserPlanChanged, payer.id, { userId: payer.id, plan: 'FREE', previousPlan: 'PREMIUM' });
    await h.settle();
    const inbox = await inboxOf(h, payer);
    expect(inbox.notifications.edges.map((e) => [e.node.kind, e.node.message]).sort()).toEqual([
      ['PAYMENT_REFUNDED', 'A payment of 4.99 USD was refunded to you'],
      ['PREMIUM_ENDED', 'Your Premium has ended: your plan is now FREE'],
      ['PREMIUM_STARTED', 'Welcome to Premium: your plan is now PREMIUM'],
    ]);
  });

  it("tells every follower of a show about its new episode, once, and not the ones who left or the show's owner", async () => {
    const showId = randomUUID();
    const owner = viewer();
    const [a, b, gone, lateComer] = [viewer(), viewer(), viewer(), viewer()];
    await follow(showId, a.id, 1);
    await follow(showId, b.id, 2);
    await follow(showId, owner.id, 3);
    await follow(showId, gone.id, 4);
    await h.emit(ShowUnfollowed, showId, { showId, userId: gone.id }, { position: 6 });
    // an older follow arriving after the unfollow does not bring them back
    await follow(showId, gone.id, 5);
    // follows come on engagement's stream, episodes on catalog's: the follows are known first
    await h.settle();
    const pilot = episode(showId, owner.id, 'Pilot');
    await h.emit(EpisodePublished, pilot.episodeId, pilot);
    // unpublished and published again: still one notification per follower
    await h.emit(EpisodePublished, pilot.episodeId, pilot);
    await h.settle();
    await follow(showId, lateComer.id, 7);
    await h.settle();

    for (const follower of [a, b]) {
      const inbox = await inboxOf(h, follower);
      expect(inbox.notifications.edges.map((e) => e.node)).toEqual([
        expect.objectContaining({ kind: 'NEW_EPISODE', message: 'New episode: Pilot', episode: { id: pilot.episodeId }, show: { id: showId } }),
      ]);
    }
    for (const nobody of [owner, gone, lateComer]) expect(await kinds(nobody)).toEqual([]);
  });

  it('tells the author of a comment about a reply from someone else, with who replied', async () => {
    const [author, replier] = [viewer(), viewer()];
    const published = episode(randomUUID(), randomUUID());
    const { episodeId } = published;
    // shown only once catalog told us the episode is published
    await h.emit(EpisodePublished, episodeId, published);
    const parentId = randomUUID();
    const comment = (authorId: string, parentAuthorId: string | null) => ({
      commentId: randomUUID(), episodeId, authorId, parentId: parentAuthorId ? parentId : null, parentAuthorId, body: 'hi',
    });
    const reply = comment(replier.id, author.id);
    await h.emit(CommentPosted, reply.commentId, reply);
    const ownReply = comment(author.id, author.id);
    await h.emit(CommentPosted, ownReply.commentId, ownReply);
    const topLevel = comment(replier.id, null);
    await h.emit(CommentPosted, topLevel.commentId, topLevel);
    await h.settle();
    expect((await inboxOf(h, author)).notifications.edges.map((e) => e.node)).toEqual([
      expect.objectContaining({ kind: 'COMMENT_REPLY', comment: { id: reply.commentId }, actor: { id: replier.id }, episode: { id: episodeId } }),
    ]);
    expect(await kinds(replier)).toEqual([]);
  });

  it('tells the owner of an episode about comments from others: not their own, and a reply to them only as a reply', async () => {
    const [owner, fan, other] = [viewer(), viewer(), viewer()];
    const published = episode(randomUUID(), owner.id);
    const { episodeId } = published;
    await h.emit(EpisodePublished, episodeId, published);
    const comment = (authorId: string, parentAuthorId: string | null, episodeOwnerId?: string) => ({
      commentId: randomUUID(), episodeId, authorId, parentId: parentAuthorId ? randomUUID() : null, parentAuthorId, body: 'hi', ...(episodeOwnerId ? { episodeOwnerId } : {}),
    });
    const fromFan = comment(fan.id, null, owner.id);
    const ownComment = comment(owner.id, null, owner.id);
    const replyToOwner = comment(other.id, owner.id, owner.id);
    // recorded before CommentPosted carried the owner: known_episodes says whose it is
    const older = comment(other.id, null);
    for (const c of [fromFan, ownComment, replyToOwner, older]) await h.emit(CommentPosted, c.commentId, c);
    await h.settle();
    const nodes = (await inboxOf(h, owner)).notifications.edges.map((e) => e.node);
    const seen = nodes.map((n) => `${n.kind} ${n.comment?.id} ${n.actor?.id}`).sort();
    expect(seen).toEqual([
      `COMMENT_REPLY ${replyToOwner.commentId} ${other.id}`,
      `NEW_COMMENT ${fromFan.commentId} ${fan.id}`,
      `NEW_COMMENT ${older.commentId} ${other.id}`,
    ].sort());
    expect(nodes.find((n) => n.kind === 'NEW_COMMENT')).toEqual(expect.objectContaining({ message: 'New comment on your episode', episode: { id: episodeId } }));
    for (const commenter of [fan, other]) expect(await kinds(commenter)).toEqual([]);
  });

  it('tells the owner when their media is ready or failed, each time', async () => {
    const owner = viewer();
    const assetId = randomUUID();
    // a draft: its owner sees what happens to it
    const draft = { ...episode(randomUUID(), owner.id), status: 'DRAFT' as const, publishedAt: null };
    const { episodeId } = draft;
    await h.emit(EpisodeCreated, episodeId, draft);
    // a second apart: the inbox is newest first by when each happened (two in one millisecond would be ordered by id)
    const failedAt = Date.now() - 1_000;
    await h.emit(MediaFailed, assetId, { assetId, episodeId, ownerId: owner.id, step: 'probe', reason: 'not an audio or video file' }, { occurredAt: new Date(failedAt).toISOString() });
    await h.emit(MediaReady, assetId, { assetId, episodeId, ownerId: owner.id, durationSeconds: 60, hasVideo: false, integratedLufs: -16, truePeakDbtp: -1.5 }, { occurredAt: new Date(failedAt + 1_000).toISOString() });
    await h.settle();
    const nodes = (await inboxOf(h, owner)).notifications.edges.map((e) => e.node);
    expect(nodes).toEqual([
      expect.objectContaining({ kind: 'MEDIA_READY', message: 'Your media is ready to play', assetId, episode: { id: episodeId } }),
      expect.objectContaining({ kind: 'MEDIA_FAILED', message: 'Processing your media failed at probe: not an audio or video file', assetId }),
    ]);
  });

  it('creates nothing new when every kind of event is applied again past the inbox (a replay)', async () => {
    const [user, replier] = [viewer(), viewer()];
    const showId = randomUUID();
    await follow(showId, user.id, 1);
    await h.settle();
    const assetId = randomUUID();
    const pilot = episode(showId, randomUUID());
    const reply = { commentId: randomUUID(), episodeId: pilot.episodeId, authorId: replier.id, parentId: randomUUID(), parentAuthorId: user.id, body: 'hi' };
    // each event once, and the way to deliver that very event again
    const replays: (() => Promise<unknown>)[] = [];
    const ids: string[] = [];
    const sendOnce = async <P>(contract: EventContract<P>, aggregateId: string, payload: P) => {
      const event = await h.emit(contract, aggregateId, payload);
      ids.push(event.id);
      replays.push(() => h.emit(contract, aggregateId, payload, { id: event.id, position: event.position, occurredAt: event.occurredAt }));
    };
    await sendOnce(UserRegistered, user.id, { userId: user.id, handle: 'replayed', displayName: 'Re', role: 'USER', plan: 'FREE' });
    await sendOnce(EpisodePublished, pilot.episodeId, pilot);
    await sendOnce(CommentPosted, reply.commentId, reply);
    await sendOnce(MediaReady, assetId, { assetId, episodeId: pilot.episodeId, ownerId: user.id, durationSeconds: 1, hasVideo: false, integratedLufs: -16, truePeakDbtp: -1 });
    await sendOnce(MediaFailed, assetId, { assetId, episodeId: pilot.episodeId, ownerId: user.id, step: 'loudness', reason: 'silence' });
    await h.settle();
    expect((await kinds(user)).sort()).toEqual(['COMMENT_REPLY', 'MEDIA_FAILED', 'MEDIA_READY', 'NEW_EPISODE', 'WELCOME']);
    // forget that they were applied, so only the notifications' own uniqueness stands in the way
    await h.running.db.dataSource.query('DELETE FROM inbox WHERE event_id = ANY($1::uuid[])', [ids]);
    for (const replay of replays) await replay();
    await h.settle();
    expect(Number((await h.running.db.dataSource.query('SELECT count(*) AS n FROM inbox WHERE event_id = ANY($1::uuid[])', [ids]))[0].n)).toBe(ids.length);
    expect((await kinds(user)).sort()).toEqual(['COMMENT_REPLY', 'MEDIA_FAILED', 'MEDIA_READY', 'NEW_EPISODE', 'WELCOME']);
  });

  describe('reading and marking read', () => {
    const reader = viewer();
    const showId = randomUUID();
    beforeAll(async () => {
      // followed before the first of the episodes below was published
      await follow(showId, reader.id, 1, new Date(Date.now() - 60_000).toISOString());
      await h.settle();
      for (let i = 0; i < 25; i += 1) {
        const next = episode(showId, randomUUID(), `Episode ${i}`);
        await h.emit(EpisodePublished, next.episodeId, next, { occurredAt: new Date(Date.now() - (25 - i) * 1000).toISOString() });
      }
      await h.settle();
    });

    it('pages newest first with cursors', async () => {
      const first = await inboxOf(h, reader);
      expect(first.notifications.edges).toHaveLength(20);
      expect(first.notifications.edges[0].node.message).toBe('New episode: Episode 24');
      expect(first.notifications.pageInfo.hasNextPage).toBe(true);
      const rest = await inboxOf(h, reader, { after: first.notifications.pageInfo.endCursor! });
      expect(rest.notifications.edges.map((e) => e.node.message)).toEqual([4, 3, 2, 1, 0].map((i) => `New episode: Episode ${i}`));
      expect(rest.notifications.pageInfo.hasNextPage).toBe(false);
    });

    // before anything is read: a check that let any of these through would mark some of them
    it.each<[string, (own: string[]) => Record<string, unknown>]>([
      ['neither ids nor all', () => ({})],
      ['both ids and all', (own) => ({ ids: own, all: true })],
      ['no ids', () => ({ ids: [] })],
      ['a malformed id among good ones', (own) => ({ ids: [...own, 'not-an-id'] })],
      ['more than 100 ids', (own) => ({ ids: [...own, ...Array.from({ length: 101 - own.length }, () => randomUUID())] })],
    ])('refuses %s with BAD_USER_INPUT, changing nothing', async (_name, variables) => {
      const own = (await inboxOf(h, reader, { first: 5 })).notifications.edges.map((e) => e.node.id);
      const res = await h.call(MARK, variables(own), reader);
      expect(res.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
      expect(res.data).toBeNull();
      expect(await h.count('notifications WHERE read_at IS NOT NULL')).toBe(0);
      expect((await inboxOf(h, reader)).unreadNotificationCount).toBe(25);
    });

    it('marks given ids read, only the caller\'s own, and then all; unreadOnly and the count follow', async () => {
      const stranger = viewer();
      const nodes = (await inboxOf(h, reader, { first: 3 })).notifications.edges.map((e) => e.node.id);
      // someone else's ids change nothing, and do not tell whether they exist
      expect((await h.call(MARK, { ids: nodes }, stranger)).data).toEqual({ markNotificationsRead: 0 });
      expect((await h.call(MARK, { ids: nodes }, reader)).data).toEqual({ markNotificationsRead: 3 });
      expect((await h.call(MARK, { ids: nodes }, reader)).data).toEqual({ markNotificationsRead: 0 });
      // unread ones only, paged like the whole inbox
      const unread = await inboxOf(h, reader, { unreadOnly: true });
      expect(unread.unreadNotificationCount).toBe(22);
      expect(unread.notifications.edges).toHaveLength(20);
      expect(unread.notifications.pageInfo.hasNextPage).toBe(true);
      const rest = await inboxOf(h, reader, { unreadOnly: true, after: unread.notifications.pageInfo.endCursor! });
      expect(rest.notifications.edges).toHaveLength(2);
      expect(rest.notifications.pageInfo.hasNextPage).toBe(false);
      const unreadIds = [...unread.notifications.edges, ...rest.notifications.edges].map((e) => e.node.id);
      expect(new Set(unreadIds).size).toBe(22);
      for (const id of nodes) expect(unreadIds).not.toContain(id);
      expect((await h.call(MARK, { all: true }, reader)).data).toEqual({ markNotificationsRead: 22 });
      expect((await inboxOf(h, reader)).unreadNotificationCount).toBe(0);
    });

    it('needs a signed-in caller to mark, and keeps inboxes private', async () => {
      expect((await h.call(MARK, { all: true }, null)).errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');
      // each field on its own: both are guarded, and (nullable) a refused one is null on the user, not the user
      const r = [{ __typename: 'User', id: reader.id }];
      for (const [name, field] of [['unreadNotificationCount', 'unreadNotificationCount'], ['notifications', 'notifications { edges { node { id } } }']]) {
        const query = `query($r: [_Any!]!) { _entities(representations: $r) { ... on User { ${field} } } }`;
        for (const [caller, code] of [[viewer(), 'FORBIDDEN'], [null, 'UNAUTHENTICATED']] as const) {
          const res = await h.call(query, { r }, caller);
          expect(res.errors?.map((e) => [e.extensions?.code, e.path])).toEqual([[code, ['_entities', 0, name]]]);
          expect(res.data).toEqual({ _entities: [{ [name]: null }] });
        }
      }
    });

    it('reads an inbox in one query per field, however many times the user is asked for', async () => {
      h.running.db.queries.reset();
      const res = await h.call(
        'query($r: [_Any!]!) { _entities(representations: $r) { ... on User { unreadNotificationCount notifications(first: 5) { edges { node { id } } } } } }',
        { r: [1, 2, 3, 4, 5].map(() => ({ __typename: 'User', id: reader.id })) },
        reader,
      );
      expect(res.errors).toBeUndefined();
      // the count, the page, and the visibility of the episodes they are about
      expect(h.running.db.queries.count()).toBe(3);
    });
  });
});
