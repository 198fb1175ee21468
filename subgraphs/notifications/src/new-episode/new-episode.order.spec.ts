import { randomUUID } from 'node:crypto';
import { applyInTransaction, EpisodePublished, handlersByType, ShowFollowed, ShowUnfollowed, type EventEnvelope } from '@wavegraph/events';
import { eventOf, eventually, everyOrder } from '@wavegraph/testkit';
import { inboxOf, startNotifications, viewer, type NotificationsHarness } from '../testing/harness';
import { notificationAddedTopic } from '../notification/notification.service';
import { NOTIFICATIONS_GROUP, NOTIFICATIONS_HANDLERS } from '../services';

/*
 * engagement's follows × catalog's publications → NEW_EPISODE. Each story is a set of facts with
 * the time they happened; the follower's inbox must be the same in every order they are applied.
 */
const BASE = Date.now() - 3_600_000;
const at = (second: number): string => new Date(BASE + second * 1000).toISOString();

interface Cast {
  showId: string;
  episodeId: string;
  owner: string;
  fan: string;
}
type Fact = (cast: Cast) => EventEnvelope;

const follow = (second: number, position: number, who: keyof Pick<Cast, 'fan' | 'owner'> = 'fan'): Fact => (c) =>
  eventOf(ShowFollowed, c.showId, { showId: c.showId, userId: c[who] }, { occurredAt: at(second), position });
const unfollow = (second: number, position: number): Fact => (c) =>
  eventOf(ShowUnfollowed, c.showId, { showId: c.showId, userId: c.fan }, { occurredAt: at(second), position });
const publish = (second: number, title = 'Pilot'): Fact => (c) =>
  eventOf(EpisodePublished, c.episodeId, {
    episodeId: c.episodeId, showId: c.showId, ownerId: c.owner, title, description: '', seasonNumber: null, episodeNumber: null, status: 'PUBLISHED', publishedAt: at(second),
  }, { occurredAt: at(second) });

interface Story {
  facts: Record<string, Fact>;
  /** Who reads their inbox. */
  reader?: 'fan' | 'owner';
  /** The NEW_EPISODE they have at the end (with its time), or none. */
  notified: { message: string; at: string } | null;
}

const STORIES: Record<string, Story> = {
  'followed before the publication': { facts: { 'follow@1': follow(1, 1), 'publish@2': publish(2) }, notified: { message: 'New episode: Pilot', at: at(2) } },
  'followed after the publication': { facts: { 'publish@2': publish(2), 'follow@3': follow(3, 1) }, notified: null },
  'unfollowed before the publication': {
    facts: { 'follow@1': follow(1, 1), 'unfollow@1.5': unfollow(1.5, 2), 'publish@2': publish(2) },
    notified: null,
  },
  'unfollowed after the publication': {
    facts: { 'follow@1': follow(1, 1), 'publish@2': publish(2), 'unfollow@3': unfollow(3, 2) },
    notified: { message: 'New episode: Pilot', at: at(2) },
  },
  'followed between a publication and a republication': {
    facts: { 'publish@2': publish(2, 'Pilot'), 'follow@3': follow(3, 1), 'republish@4': publish(4, 'Pilot, remastered') },
    notified: { message: 'New episode: Pilot, remastered', at: at(4) },
  },
  'followed before a publication and its republication': {
    facts: { 'follow@1': follow(1, 1), 'publish@2': publish(2, 'Pilot'), 'republish@4': publish(4, 'Pilot, remastered') },
    // once, named as it was first published
    notified: { message: 'New episode: Pilot', at: at(2) },
  },
  'came and left between a publication and a republication': {
    facts: { 'publish@2': publish(2), 'follow@3': follow(3, 1), 'unfollow@3.5': unfollow(3.5, 2), 'republish@4': publish(4) },
    notified: null,
  },
  'the owner following their own show': { facts: { 'follow@1': follow(1, 1, 'owner'), 'publish@2': publish(2) }, reader: 'owner', notified: null },
};

const CASES = Object.entries(STORIES).flatMap(([name, story]) =>
  everyOrder(Object.keys(story.facts)).map((order) => [name, order.join(' → '), story, order] as const),
);

describe('NEW_EPISODE is the same whichever of follow and publication is applied first', () => {
  let h: NotificationsHarness;
  beforeAll(async () => {
    h = await startNotifications();
  });
  afterAll(async () => {
    await h?.stop();
  });

  const newEpisodes = async (userId: string) => {
    const inbox = await inboxOf(h, viewer(userId));
    return {
      unread: inbox.unreadNotificationCount,
      notifications: inbox.notifications.edges.map(({ node }) => ({ kind: node.kind, message: node.message, at: new Date(node.createdAt).toISOString(), episode: node.episode, show: node.show })),
    };
  };

  it.each(CASES)('%s, applied %s', async (_name, _order, story, order) => {
    const cast: Cast = { showId: randomUUID(), episodeId: randomUUID(), owner: randomUUID(), fan: randomUUID() };
    const events = order.map((label) => story.facts[label](cast));
    expect(await h.apply(events)).toBe(events.length);
    const expected = story.notified
      ? { unread: 1, notifications: [{ kind: 'NEW_EPISODE', ...story.notified, episode: { id: cast.episodeId }, show: { id: cast.showId } }] }
      : { unread: 0, notifications: [] };
    const reader = cast[story.reader ?? 'fan'];
    expect(await newEpisodes(reader)).toEqual(expected);

    // every fact delivered again past the inbox, in the opposite order: still once, or still none
    await h.running.db.dataSource.query('DELETE FROM inbox WHERE event_id = ANY($1::uuid[])', [events.map((e) => e.id)]);
    await h.apply([...events].reverse());
    expect(await newEpisodes(reader)).toEqual(expected);
  });

  it('reaches every follower of the show at the publication in one go, and nobody else', async () => {
    const cast: Cast = { showId: randomUUID(), episodeId: randomUUID(), owner: randomUUID(), fan: randomUUID() };
    const followers = Array.from({ length: 30 }, () => randomUUID());
    const late = randomUUID();
    const follows = followers.map((userId, i) => eventOf(ShowFollowed, cast.showId, { showId: cast.showId, userId }, { occurredAt: at(1), position: i + 1 }));
    const lateFollow = eventOf(ShowFollowed, cast.showId, { showId: cast.showId, userId: late }, { occurredAt: at(3), position: 100 });
    await h.apply([publish(2)(cast), ...follows.slice(0, 15), lateFollow]);
    await h.apply([...follows.slice(15)]);
    const counts: { user_id: string }[] = await h.running.db.dataSource.query("SELECT user_id FROM notifications WHERE show_id = $1 AND kind = 'NEW_EPISODE'", [cast.showId]);
    expect(counts.map((r) => r.user_id).sort()).toEqual([...followers].sort());
  });

  it('notifies when two replicas apply the follow and the publication at the same moment', async () => {
    const cast: Cast = { showId: randomUUID(), episodeId: randomUUID(), owner: randomUUID(), fan: randomUUID() };
    const byType = handlersByType(NOTIFICATIONS_HANDLERS);
    const handlersOf = (event: EventEnvelope) => byType.get(`${event.type}@${event.version}`) ?? [];
    const [followed, published] = [follow(1, 1)(cast), publish(2)(cast)];
    const { dataSource } = h.running.db;
    let followApplied: Promise<unknown> | undefined;
    // one replica is inside its publication's transaction when the other applies the follow
    await dataSource.transaction(async (tx) => {
      await applyInTransaction(tx, NOTIFICATIONS_GROUP, published, handlersOf(published));
      followApplied = dataSource.transaction((other) => applyInTransaction(other, NOTIFICATIONS_GROUP, followed, handlersOf(followed)));
      await new Promise((resolve) => setTimeout(resolve, 300));
    });
    await followApplied;
    expect((await newEpisodes(cast.fan)).notifications.map((n) => n.message)).toEqual(['New episode: Pilot']);
  });

  it('pushes the notification live to a follower whose follow is applied after the publication (a backlog, stream by stream)', async () => {
    const cast: Cast = { showId: randomUUID(), episodeId: randomUUID(), owner: randomUUID(), fan: randomUUID() };
    const sub = h.subscribe<{ notificationAdded: { kind: string; message: string } | null }>('subscription { notificationAdded { kind message } }', {}, viewer(cast.fan));
    await eventually(async () => h.running.pubSub.listeners(notificationAddedTopic(cast.fan)) === 1);
    // the follow happened first, but reaches us after the publication, on another stream
    const followedAt = new Date(Date.now() - 5_000).toISOString();
    const published = publish(0)(cast);
    await h.emit(EpisodePublished, cast.episodeId, published.payload, { occurredAt: new Date().toISOString() });
    await h.settle();
    await h.emit(ShowFollowed, cast.showId, { showId: cast.showId, userId: cast.fan }, { occurredAt: followedAt });
    await h.settle();
    const [pushed] = await sub.received(1);
    expect(pushed.data?.notificationAdded).toEqual({ kind: 'NEW_EPISODE', message: 'New episode: Pilot' });
    await sub.close();
  });
});
