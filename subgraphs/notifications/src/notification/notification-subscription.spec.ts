import { randomUUID } from 'node:crypto';
import { EpisodePublished, ShowFollowed, UserRegistered } from '@wavegraph/events';
import { eventually } from '@wavegraph/testkit';
import { inboxOf, startNotifications, viewer, type NotificationsHarness } from '../testing/harness';
import { notificationAddedTopic } from './notification.service';

const ADDED = 'subscription { notificationAdded { id kind message read } }';
type Added = { notificationAdded: { id: string; kind: string; message: string; read: boolean } };

describe('notificationAdded subscription', () => {
  let h: NotificationsHarness;
  beforeAll(async () => {
    h = await startNotifications();
  });
  afterAll(async () => {
    await h?.stop();
  });

  const register = (userId: string, displayName: string) => h.emit(UserRegistered, userId, { userId, handle: `h${randomUUID().slice(0, 8)}`, displayName, role: 'USER', plan: 'FREE' });

  it("delivers each subscriber their own new notifications, once, and nobody else's", async () => {
    const [ada, bob] = [viewer(), viewer()];
    const [adaSub, bobSub] = [h.subscribe<Added>(ADDED, {}, ada), h.subscribe<Added>(ADDED, {}, bob)];
    await eventually(async () => h.running.pubSub.listeners(notificationAddedTopic(ada.id)) === 1 && h.running.pubSub.listeners(notificationAddedTopic(bob.id)) === 1);
    const registered = await register(ada.id, 'Ada');
    // delivered again: applied once, announced once
    await h.emit(UserRegistered, ada.id, registered.payload, { id: registered.id });
    await register(bob.id, 'Bob');
    await h.settle();
    const [forAda] = await adaSub.received(1);
    const [forBob] = await bobSub.received(1);
    expect(forAda.data?.notificationAdded).toEqual({ id: expect.any(String), kind: 'WELCOME', message: 'Welcome to Wavegraph, Ada!', read: false });
    expect(forBob.data?.notificationAdded).toEqual({ id: expect.any(String), kind: 'WELCOME', message: 'Welcome to Wavegraph, Bob!', read: false });
    // the very notification that is in the inbox
    expect((await inboxOf(h, ada)).notifications.edges.map((e) => e.node.id)).toEqual([forAda.data?.notificationAdded.id]);
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(adaSub.results).toHaveLength(1);
    expect(bobSub.results).toHaveLength(1);
    await Promise.all([adaSub.close(), bobSub.close()]);
  });

  it('pushes one new episode to every subscribed follower, and not to a subscriber who does not follow', async () => {
    const showId = randomUUID();
    const [fan, otherFan, stranger] = [viewer(), viewer(), viewer()];
    for (const [i, user] of [fan, otherFan].entries()) await h.emit(ShowFollowed, showId, { showId, userId: user.id }, { position: i + 1 });
    await h.settle();
    const subs = [fan, otherFan, stranger].map((user) => h.subscribe<Added>(ADDED, {}, user));
    await eventually(async () => [fan, otherFan, stranger].every((user) => h.running.pubSub.listeners(notificationAddedTopic(user.id)) === 1));
    const episodeId = randomUUID();
    await h.emit(EpisodePublished, episodeId, {
      episodeId, showId, ownerId: randomUUID(), title: 'Pilot', description: '', seasonNumber: null, episodeNumber: null, status: 'PUBLISHED', publishedAt: new Date().toISOString(),
    });
    await h.settle();
    for (const sub of subs.slice(0, 2)) expect((await sub.received(1))[0].data?.notificationAdded).toMatchObject({ kind: 'NEW_EPISODE', message: 'New episode: Pilot' });
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(subs.map((sub) => sub.results.length)).toEqual([1, 1, 0]);
    await Promise.all(subs.map((sub) => sub.close()));
  });

  it('refuses an anonymous subscriber with UNAUTHENTICATED', async () => {
    const sub = h.subscribe(ADDED, {}, null);
    expect(await sub.ended).toEqual({ completed: true });
    expect(sub.results[0]?.errors?.[0]?.extensions).toMatchObject({ code: 'UNAUTHENTICATED' });
  });
});
