import { randomUUID } from 'node:crypto';
import { UserRegistered } from '@wavegraph/events';
import { eventually } from '@wavegraph/testkit';
import { startNotifications, viewer, type NotificationsHarness } from '../testing/harness';
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

  it("delivers the caller's own new notifications, once, and nobody else's", async () => {
    const [ada, bob] = [viewer(), viewer()];
    const sub = h.subscribe<Added>(ADDED, {}, ada);
    await eventually(async () => h.running.pubSub.listeners(notificationAddedTopic(ada.id)) === 1);
    const registered = await register(ada.id, 'Ada');
    // delivered again: applied once, announced once
    await h.emit(UserRegistered, ada.id, registered.payload, { id: registered.id });
    await register(bob.id, 'Bob');
    await h.settle();
    const [result] = await sub.received(1);
    expect(result.data?.notificationAdded).toEqual({ id: expect.any(String), kind: 'WELCOME', message: 'Welcome to Wavegraph, Ada!', read: false });
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(sub.results).toHaveLength(1);
    await sub.close();
  });

  it('refuses an anonymous subscriber with UNAUTHENTICATED', async () => {
    const sub = h.subscribe(ADDED, {}, null);
    expect(await sub.ended).toEqual({ completed: true });
    expect(sub.results[0]?.errors?.[0]?.extensions).toMatchObject({ code: 'UNAUTHENTICATED' });
  });
});
