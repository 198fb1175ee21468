import { randomUUID } from 'node:crypto';
import { EpisodeCreated, MediaReady, UserRegistered } from '@wavegraph/events';
import { createLogger, Loaders } from '@wavegraph/kit';
import type { NotificationsContext } from '../services';
import { startNotifications, viewer, type NotificationsHarness } from '../testing/harness';
import { loadInbox, loadUnreadCount } from './notification.loader';

/*
 * Through GraphQL an inbox is only readable by its own user, so one request never names two
 * users; the loaders still batch per user, and this drives them with many users in one request.
 */
describe('batching of inbox reads', () => {
  let h: NotificationsHarness;
  const users = Array.from({ length: 8 }, () => viewer());

  beforeAll(async () => {
    h = await startNotifications();
    for (const [i, user] of users.entries()) {
      await h.emit(UserRegistered, user.id, { userId: user.id, handle: `u${i}`, displayName: `User ${i}`, role: 'USER', plan: 'FREE' });
      // user i gets i media notifications on top of the welcome
      for (let n = 0; n < i; n += 1) {
        const assetId = randomUUID();
        const episodeId = randomUUID();
        await h.emit(EpisodeCreated, episodeId, {
          episodeId, showId: randomUUID(), ownerId: user.id, title: 'Draft', description: '', seasonNumber: null, episodeNumber: null, status: 'DRAFT', publishedAt: null,
        });
        await h.emit(MediaReady, assetId, { assetId, episodeId, ownerId: user.id, durationSeconds: 1, hasVideo: false, integratedLufs: -16, truePeakDbtp: -1 });
      }
    }
    await h.settle();
  });
  afterAll(async () => {
    await h?.stop();
  });

  // an editor, who may see every user's draft episodes, so the visibility check keeps them all
  const request = (): NotificationsContext => ({
    viewer: { id: randomUUID(), role: 'EDITOR', plan: 'FREE' }, requestId: randomUUID(), loaders: new Loaders(), services: h.running.services, pubSub: h.running.pubSub, log: createLogger('test'),
  });

  it('reads the pages of 2 or 8 users in one query (and one visibility check), each user getting their own', async () => {
    for (const some of [users.slice(0, 2), users]) {
      const ctx = request();
      h.running.db.queries.reset();
      const pages = await Promise.all(some.map((user) => loadInbox(ctx, user.id, 3, null, false)));
      // the pages, then the visibility of every episode on them
      expect(h.running.db.queries.count()).toBe(2);
      for (const [i, page] of pages.entries()) {
        expect(page.edges).toHaveLength(Math.min(i + 1, 3));
        expect(page.edges.every((e) => e.node.userId === some[i].id)).toBe(true);
        expect(page.pageInfo.hasNextPage).toBe(i + 1 > 3);
      }
    }
  });

  it('counts the unread of 2 or 8 users in one query (and one visibility check)', async () => {
    for (const some of [users.slice(0, 2), users]) {
      const ctx = request();
      h.running.db.queries.reset();
      const counts = await Promise.all(some.map((user) => loadUnreadCount(ctx, user.id)));
      // the counts per episode, then those episodes' visibility
      expect(h.running.db.queries.count()).toBe(2);
      expect(counts).toEqual(some.map((_, i) => i + 1));
    }
  });
});
