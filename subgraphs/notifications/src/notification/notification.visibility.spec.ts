import { randomUUID } from 'node:crypto';
import type { Viewer } from '@wavegraph/auth';
import { CommentPosted, EpisodePublished, EpisodeUnpublished, ShowFollowed, type PayloadOf } from '@wavegraph/events';
import { eventually } from '@wavegraph/testkit';
import { inboxOf, startNotifications, viewer, type NotificationsHarness } from '../testing/harness';
import { notificationAddedTopic } from './notification.service';

type Episode = PayloadOf<typeof EpisodePublished>;
const ADDED = 'subscription { notificationAdded { id kind message episode { id } } }';

describe("notifications follow catalog's episode visibility", () => {
  let h: NotificationsHarness;
  const showId = randomUUID();
  const owner = viewer();
  const fan = viewer();
  const editorFan: Viewer = { ...viewer(), role: 'EDITOR' };
  let pilot: Episode;

  const snapshot = (status: 'PUBLISHED' | 'DRAFT'): Episode => ({ ...pilot, status, publishedAt: status === 'PUBLISHED' ? new Date().toISOString() : null });
  const shown = async (user: Viewer) => {
    const inbox = await inboxOf(h, user);
    return { count: inbox.unreadNotificationCount, messages: inbox.notifications.edges.map((e) => e.node.message) };
  };

  beforeAll(async () => {
    h = await startNotifications();
    for (const [i, user] of [fan, editorFan].entries()) await h.emit(ShowFollowed, showId, { showId, userId: user.id }, { position: i + 1 });
    await h.settle();
    pilot = { episodeId: randomUUID(), showId, ownerId: owner.id, title: 'Secret pilot', description: '', seasonNumber: null, episodeNumber: null, status: 'PUBLISHED', publishedAt: new Date().toISOString() };
    await h.emit(EpisodePublished, pilot.episodeId, pilot);
    await h.settle();
  });
  afterAll(async () => {
    await h?.stop();
  });

  it('shows the new episode to its followers while it is published', async () => {
    expect(await shown(fan)).toEqual({ count: 1, messages: ['New episode: Secret pilot'] });
  });

  it('hides it from the inbox and the unread count once unpublished, but not from staff', async () => {
    await h.emit(EpisodeUnpublished, pilot.episodeId, snapshot('DRAFT'));
    await h.settle();
    expect(await shown(fan)).toEqual({ count: 0, messages: [] });
    expect(await shown(editorFan)).toEqual({ count: 1, messages: ['New episode: Secret pilot'] });
    // the row is kept: it comes back with the episode
    expect(await h.count('notifications')).toBe(2);
  });

  it('hides the notification reached by reference with NOT_FOUND', async () => {
    const [row] = (await h.running.db.dataSource.query('SELECT id FROM notifications WHERE user_id = $1', [fan.id])) as { id: string }[];
    const res = await h.call<{ _entities: unknown[] }>('query($r: [_Any!]!) { _entities(representations: $r) { ... on Notification { id message episode { id } } } }', { r: [{ __typename: 'Notification', id: row.id }] }, fan);
    expect(res.data?._entities).toEqual([null]);
    expect(res.errors?.[0].extensions?.code).toBe('NOT_FOUND');
  });

  it('pushes nothing of an unpublished episode through notificationAdded', async () => {
    const sub = h.subscribe<{ notificationAdded: unknown }>(ADDED, {}, fan);
    await eventually(async () => h.running.pubSub.listeners(notificationAddedTopic(fan.id)) === 1);
    // a reply posted just before the unpublish reaches us after it (no order across producers)
    const commentId = randomUUID();
    await h.emit(CommentPosted, commentId, { commentId, episodeId: pilot.episodeId, authorId: randomUUID(), parentId: randomUUID(), parentAuthorId: fan.id, body: 'psst' });
    await h.settle();
    const [pushed] = await sub.received(1);
    expect(pushed.data?.notificationAdded ?? null).toBeNull();
    expect(pushed.errors?.[0].extensions?.code).toBe('NOT_FOUND');
    expect(JSON.stringify(pushed)).not.toContain('psst');
    await sub.close();
  });

  it('shows everything again once republished, without notifying twice', async () => {
    await h.emit(EpisodePublished, pilot.episodeId, snapshot('PUBLISHED'));
    await h.settle();
    const inbox = await shown(fan);
    expect(inbox.count).toBe(2);
    expect(inbox.messages.filter((m) => m === 'New episode: Secret pilot')).toHaveLength(1);
  });
});
