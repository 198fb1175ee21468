import { randomUUID } from 'node:crypto';
import { CommentPosted, EpisodeCreated, EpisodePublished, EpisodeUnpublished, MediaReady, ShowFollowed, type EventEnvelope } from '@wavegraph/events';
import { eventOf, everyOrder } from '@wavegraph/testkit';
import { inboxOf, startNotifications, viewer, type NotificationsHarness } from '../testing/harness';

/*
 * A notification about an episode (engagement's replies, media's outcomes, NEW_EPISODE) is shown
 * as catalog last described the episode: the inbox must be the same whether catalog's word or
 * the other context's event is applied first.
 */
const BASE = Date.now() - 3_600_000;
const at = (second: number): string => new Date(BASE + second * 1000).toISOString();

interface Cast {
  showId: string;
  episodeId: string;
  owner: string;
  fan: string;
  replier: string;
}
type Fact = (cast: Cast) => EventEnvelope;

const episode = (c: Cast, status: 'DRAFT' | 'PUBLISHED') => ({
  episodeId: c.episodeId, showId: c.showId, ownerId: c.owner, title: 'Pilot', description: '', seasonNumber: null, episodeNumber: null, status, publishedAt: status === 'PUBLISHED' ? at(2) : null,
});
const created: Fact = (c) => eventOf(EpisodeCreated, c.episodeId, episode(c, 'DRAFT'), { occurredAt: at(1), position: 1 });
const published: Fact = (c) => eventOf(EpisodePublished, c.episodeId, episode(c, 'PUBLISHED'), { occurredAt: at(2), position: 2 });
const unpublished: Fact = (c) => eventOf(EpisodeUnpublished, c.episodeId, episode(c, 'DRAFT'), { occurredAt: at(4), position: 3 });
const republished: Fact = (c) => eventOf(EpisodePublished, c.episodeId, episode(c, 'PUBLISHED'), { occurredAt: at(5), position: 4 });
const followed: Fact = (c) => eventOf(ShowFollowed, c.showId, { showId: c.showId, userId: c.fan }, { occurredAt: at(0), position: 1 });
const replied: Fact = (c) => {
  const commentId = randomUUID();
  return eventOf(CommentPosted, commentId, { commentId, episodeId: c.episodeId, authorId: c.replier, parentId: randomUUID(), parentAuthorId: c.fan, body: 'hi' }, { occurredAt: at(3) });
};
const mediaReady: Fact = (c) => {
  const assetId = randomUUID();
  return eventOf(MediaReady, assetId, { assetId, episodeId: c.episodeId, ownerId: c.owner, durationSeconds: 60, hasVideo: false, integratedLufs: -16, truePeakDbtp: -1 }, { occurredAt: at(3) });
};

interface Story {
  facts: Record<string, Fact>;
  reader: 'fan' | 'owner';
  /** The kinds in the reader's inbox at the end, newest first. */
  shown: string[];
}

const STORIES: Record<string, Story> = {
  'a reply on a published episode (engagement × catalog)': { facts: { published, replied }, reader: 'fan', shown: ['COMMENT_REPLY'] },
  'a reply on an episode unpublished since (engagement × catalog)': { facts: { published, replied, unpublished }, reader: 'fan', shown: [] },
  // hidden above, not lost: it comes back with the episode
  'a reply on an episode unpublished and republished since (engagement × catalog)': { facts: { published, replied, unpublished, republished }, reader: 'fan', shown: ['COMMENT_REPLY'] },
  "media ready for the owner's draft (media × catalog)": { facts: { created, mediaReady }, reader: 'owner', shown: ['MEDIA_READY'] },
  'a new episode unpublished since (engagement × catalog)': { facts: { followed, published, unpublished }, reader: 'fan', shown: [] },
  'a new episode unpublished and republished since (engagement × catalog)': { facts: { followed, published, unpublished, republished }, reader: 'fan', shown: ['NEW_EPISODE'] },
};

const CASES = Object.entries(STORIES).flatMap(([name, story]) =>
  everyOrder(Object.keys(story.facts)).map((order) => [name, order.join(' → '), story, order] as const),
);

describe("notifications about an episode follow catalog's word on it whichever is applied first", () => {
  let h: NotificationsHarness;
  beforeAll(async () => {
    h = await startNotifications();
  });
  afterAll(async () => {
    await h?.stop();
  });

  it.each(CASES)('%s, applied %s', async (_name, _order, story, order) => {
    const cast: Cast = { showId: randomUUID(), episodeId: randomUUID(), owner: randomUUID(), fan: randomUUID(), replier: randomUUID() };
    expect(await h.apply(order.map((label) => story.facts[label](cast)))).toBe(order.length);
    const inbox = await inboxOf(h, viewer(cast[story.reader]));
    expect({ unread: inbox.unreadNotificationCount, kinds: inbox.notifications.edges.map((e) => e.node.kind) }).toEqual({ unread: story.shown.length, kinds: story.shown });
    for (const { node } of inbox.notifications.edges) expect(node.episode).toEqual({ id: cast.episodeId });
  });
});
