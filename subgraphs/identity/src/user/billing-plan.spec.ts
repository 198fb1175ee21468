import { randomUUID } from 'node:crypto';
import { appendEvent, PaymentCompleted, PaymentRefunded, SubscriptionChanged } from '@wavegraph/events';
import { connectRedis } from '@wavegraph/redis';
import { consumed, TEST_REDIS_URL } from '@wavegraph/testkit';
import { registerUser, REFRESH, startIdentity, type AuthResult, type Harness } from '../testing/harness';
import { IDENTITY_GROUP, IDENTITY_PRODUCERS } from './billing-plan.handlers';

/* Billing's saga events change plans through the admin's path, and identity answers each. */
describe('plans from billing events', () => {
  let h: Harness;
  const redis = connectRedis(TEST_REDIS_URL, 'command', { name: 'identity:billing-spec' });
  beforeAll(async () => {
    h = await startIdentity();
  });
  afterAll(async () => {
    await h?.stop();
    redis.disconnect();
  });

  const settle = () => consumed(redis, h.redisPrefix, IDENTITY_GROUP, IDENTITY_PRODUCERS, 15_000);
  const plan = async (userId: string) => (await h.running.db.dataSource.query('SELECT plan FROM users WHERE id = $1', [userId]))[0]?.plan;
  const answers = async (userId: string) =>
    (await h.running.db.dataSource.query(`SELECT type, payload FROM outbox WHERE aggregate_id = $1 AND type IN ('identity.PlanChangeSettled', 'identity.UserPlanChanged') ORDER BY position`, [userId])) as Array<{ type: string; payload: Record<string, unknown> }>;
  const paid = (userId: string) => ({ userId, paymentId: `in_${randomUUID()}`, stripeCustomerId: 'cus_x', stripeSubscriptionId: 'sub_x', amount: 499, currency: 'usd', plan: 'PREMIUM' as const });

  it('makes a paying user PREMIUM (UserPlanChanged, a refreshed token says so) and answers APPLIED, then UNCHANGED for the same plan again', async () => {
    const user: AuthResult = await registerUser(h);
    const first = await appendEvent(redis, h.redisPrefix, PaymentCompleted, user.user.id, paid(user.user.id));
    const second = await appendEvent(redis, h.redisPrefix, PaymentCompleted, user.user.id, paid(user.user.id));
    await settle();
    expect(await plan(user.user.id)).toBe('PREMIUM');
    expect(await answers(user.user.id)).toEqual([
      { type: 'identity.UserPlanChanged', payload: { userId: user.user.id, plan: 'PREMIUM', previousPlan: 'FREE' } },
      { type: 'identity.PlanChangeSettled', payload: { userId: user.user.id, cause: first.id, plan: 'PREMIUM', outcome: 'APPLIED', reason: null } },
      { type: 'identity.PlanChangeSettled', payload: { userId: user.user.id, cause: second.id, plan: 'PREMIUM', outcome: 'UNCHANGED', reason: null } },
    ]);
    // the refreshed token carries the new plan
    const refreshed = await h.call<{ refreshSession: AuthResult }>(REFRESH, { t: user.refreshToken });
    expect(refreshed.data?.refreshSession.user.plan).toBe('PREMIUM');
  });

  it('makes them FREE when the subscription stops entitling them or a payment is fully refunded, and ignores a subscription that still does or a partial refund', async () => {
    const user = await registerUser(h);
    const id = user.user.id;
    await appendEvent(redis, h.redisPrefix, PaymentCompleted, id, paid(id));
    const change = (status: 'past_due' | 'unpaid', premium: boolean) => ({ userId: id, stripeSubscriptionId: 'sub_x', status, previousStatus: 'active' as const, premium, cancelAtPeriodEnd: false, currentPeriodEnd: null });
    await appendEvent(redis, h.redisPrefix, SubscriptionChanged, id, change('past_due', true));
    await settle();
    expect(await plan(id)).toBe('PREMIUM');
    await appendEvent(redis, h.redisPrefix, SubscriptionChanged, id, change('unpaid', false));
    await settle();
    expect(await plan(id)).toBe('FREE');
    await appendEvent(redis, h.redisPrefix, PaymentCompleted, id, paid(id));
    const refund = (amount: number, fullyRefunded: boolean) => ({ userId: id, stripeChargeId: 'ch_x', stripeCustomerId: 'cus_x', amount, currency: 'usd', fullyRefunded });
    // a partial refund leaves Premium; the full one ends it
    await appendEvent(redis, h.redisPrefix, PaymentRefunded, id, refund(100, false));
    await settle();
    expect(await plan(id)).toBe('PREMIUM');
    await appendEvent(redis, h.redisPrefix, PaymentRefunded, id, refund(499, true));
    await settle();
    expect(await plan(id)).toBe('FREE');
    expect((await answers(id)).filter((a) => a.type === 'identity.UserPlanChanged').map((a) => a.payload.plan)).toEqual(['PREMIUM', 'FREE', 'PREMIUM', 'FREE']);
  });

  it('refuses for good a plan change for an account that no longer exists', async () => {
    const gone = randomUUID();
    const event = await appendEvent(redis, h.redisPrefix, PaymentCompleted, gone, paid(gone));
    await settle();
    expect(await answers(gone)).toEqual([{ type: 'identity.PlanChangeSettled', payload: { userId: gone, cause: event.id, plan: 'PREMIUM', outcome: 'REFUSED', reason: 'the account no longer exists' } }]);
  });
});
