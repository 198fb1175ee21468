import type { Viewer } from '@wavegraph/auth';
import { readEvents } from '@wavegraph/events';
import { eventually, TEST_REDIS_URL } from '@wavegraph/testkit';
import { connectRedis, type Redis } from '@wavegraph/kit';
import { randomUUID } from 'node:crypto';
import { registerUser, startIdentity, viewerOf, type Harness } from '../testing/harness';

let h: Harness;
let redis: Redis;
const admin: Viewer = { id: randomUUID(), role: 'ADMIN', plan: 'FREE' };
const SET_PLAN = 'mutation($id: ID!, $plan: Plan!) { setUserPlan(userId: $id, plan: $plan) { id plan } }';

beforeAll(async () => {
  h = await startIdentity();
  redis = connectRedis(TEST_REDIS_URL, 'command', { name: 'identity-events-spec' });
});
afterAll(async () => {
  redis.disconnect();
  await h.stop();
});

describe('identity events', () => {
  it('publishes UserRegistered without the email, and UserPlanChanged only when the plan changes', async () => {
    const auth = await registerUser(h, { email: 'events@example.com', handle: 'evented' });
    const userId = auth.user.id;
    expect((await h.call(SET_PLAN, { id: userId, plan: 'PREMIUM' }, admin)).errors).toBeUndefined();
    expect((await h.call(SET_PLAN, { id: userId, plan: 'PREMIUM' }, admin)).errors).toBeUndefined();

    const events = await eventually(async () => {
      const all = await readEvents(redis, h.redisPrefix, 'identity');
      expect(all).toHaveLength(2);
      return all;
    });
    expect(events[0]).toMatchObject({ type: 'identity.UserRegistered', aggregateId: userId, payload: { userId, handle: 'evented', role: 'USER', plan: 'FREE' } });
    expect(JSON.stringify(events[0])).not.toContain('events@example.com');
    expect(events[1]).toMatchObject({ type: 'identity.UserPlanChanged', payload: { userId, plan: 'PREMIUM', previousPlan: 'FREE' } });
    expect(await h.count('outbox')).toBe(2);
  });

  it('publishes UserProfileUpdated with the profile as it is after the change, and nothing for a refused one', async () => {
    const auth = await registerUser(h, { email: 'profile@example.com', handle: 'profiled' });
    await registerUser(h, { email: 'taken@example.com', handle: 'taken' });
    const UPDATE = 'mutation($input: UpdateProfileInput!) { updateProfile(input: $input) { id } }';
    expect((await h.call(UPDATE, { input: { displayName: 'Profiled Anew' } }, viewerOf(auth))).errors).toBeUndefined();
    const refused = await h.call(UPDATE, { input: { handle: 'taken' } }, viewerOf(auth));
    expect(refused.errors?.[0]?.extensions?.code).toBe('CONFLICT');
    const updates = await eventually(async () => {
      const all = (await readEvents(redis, h.redisPrefix, 'identity')).filter((event) => event.type === 'identity.UserProfileUpdated');
      expect(all).toHaveLength(1);
      return all;
    });
    expect(updates[0]).toMatchObject({ aggregateId: auth.user.id, payload: { userId: auth.user.id, handle: 'profiled', displayName: 'Profiled Anew' } });
  });

  it('records nothing for a registration that is refused', async () => {
    const before = await h.count('outbox');
    await registerUser(h, { email: 'dup@example.com', handle: 'dupe' });
    const again = await h.call('mutation($input: RegisterInput!) { register(input: $input) { accessToken } }', {
      input: { email: 'dup@example.com', handle: 'other', displayName: 'Other', password: 'a long enough passphrase 1' },
    });
    expect(again.errors?.[0]?.extensions?.code).toBe('CONFLICT');
    expect(await h.count('outbox')).toBe(before + 1);
  });
});
