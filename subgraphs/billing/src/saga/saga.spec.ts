import { appendEvent, PlanChangeSettled } from '@wavegraph/events';
import { connectRedis } from '@wavegraph/redis';
import { eventually, TEST_REDIS_URL } from '@wavegraph/testkit';
import type { Viewer } from '@wavegraph/auth';
import { listener, recordedEvents, staff, startBillingHarness, startCheckout, subscriptionOf, type BillingHarness } from '../testing/harness';
import { retryDelayMs } from './saga.retry';

interface SagaView {
  id: string;
  kind: string;
  status: string;
  trigger: string;
  paymentId: string | null;
  error: string | null;
  attempts: number;
  nextAttemptAt: string | null;
  steps: Array<{ name: string; status: string; error: string | null }>;
}

const SAGA_FIELDS = 'id kind status trigger paymentId error attempts nextAttemptAt steps { name status error }';

/* The Premium saga on billing's side: started with PaymentCompleted, moved on by identity's answers, compensated at Stripe. */
describe('the Premium saga', () => {
  let h: BillingHarness;
  const redis = connectRedis(TEST_REDIS_URL, 'command', { name: 'billing:saga-spec' });
  beforeAll(async () => {
    h = await startBillingHarness();
  });
  afterAll(async () => {
    await h?.stop();
    redis.disconnect();
  });

  /** A user whose checkout completed: the activation saga is running. */
  async function paid(): Promise<{ user: Viewer; saga: SagaView; customer: string; subscription: string; invoice: string }> {
    const user = listener();
    const session = await startCheckout(h, user);
    const event = h.stripe.completeCheckout(session.id);
    expect((await h.stripe.deliver(h.webhookUrl, event)).status).toBe(200);
    const [saga] = await sagasOf(user.id);
    const object = event.data.object as { customer: string; subscription: string; invoice: string };
    return { user, saga, ...object };
  }

  const sagasOf = async (userId: string, viewer: Viewer = staff()) => {
    const res = await h.billing.call<{ billingSagas: SagaView[] }>(`query($u: ID!) { billingSagas(userId: $u) { ${SAGA_FIELDS} } }`, { u: userId }, viewer);
    if (!res.data) throw new Error(JSON.stringify(res.errors));
    return res.data.billingSagas;
  };
  const sagaById = (id: string, viewer: Viewer = staff()) => h.billing.call<{ billingSaga: SagaView }>(`query($id: ID!) { billingSaga(id: $id) { ${SAGA_FIELDS} } }`, { id }, viewer);
  const identityAnswers = (userId: string, cause: string, outcome: 'APPLIED' | 'UNCHANGED' | 'REFUSED', plan: 'PREMIUM' | 'FREE' = 'PREMIUM') =>
    appendEvent(redis, h.billing.redisPrefix, PlanChangeSettled, userId, { userId, cause, plan, outcome, reason: outcome === 'REFUSED' ? 'the account no longer exists' : null });
  const settled = (id: string, status: string) =>
    eventually(async () => {
      const saga = (await sagaById(id)).data?.billingSaga;
      expect(saga?.status).toBe(status);
      return saga!;
    }, 15_000, 50);

  it('starts an activation saga with the payment and completes it when identity applied the plan', async () => {
    const { user, saga, invoice } = await paid();
    expect(saga).toMatchObject({ kind: 'ACTIVATE', status: 'RUNNING', trigger: 'billing.PaymentCompleted', paymentId: invoice, error: null, attempts: 0 });
    expect(saga.steps).toEqual([{ name: 'PAYMENT_RECORDED', status: 'DONE', error: null }, { name: 'PLAN_PREMIUM', status: 'PENDING', error: null }]);
    // the saga id is the id of the PaymentCompleted event identity answers
    const [{ event_id }] = await h.billing.running.db.dataSource.query(`SELECT event_id FROM outbox WHERE type = 'billing.PaymentCompleted' AND aggregate_id = $1`, [user.id]);
    expect(saga.id).toBe(event_id);
    await identityAnswers(user.id, saga.id, 'APPLIED');
    const done = await settled(saga.id, 'COMPLETED');
    expect(done.steps.map((s) => [s.name, s.status])).toEqual([['PAYMENT_RECORDED', 'DONE'], ['PLAN_PREMIUM', 'DONE']]);
    expect(h.stripe.requestsTo('POST', '/v1/refunds')).toHaveLength(0);
  });

  it('compensates a refused activation: refund and cancellation at Stripe, PaymentRefunded, the subscription canceled', async () => {
    const { user, saga, customer, subscription } = await paid();
    await identityAnswers(user.id, saga.id, 'REFUSED');
    const compensated = await settled(saga.id, 'COMPENSATED');
    expect(compensated.steps).toEqual([
      { name: 'PAYMENT_RECORDED', status: 'DONE', error: null },
      { name: 'PLAN_PREMIUM', status: 'FAILED', error: 'the account no longer exists' },
      { name: 'REFUND', status: 'DONE', error: null },
      { name: 'CANCEL_SUBSCRIPTION', status: 'DONE', error: null },
    ]);
    const charge = h.stripe.chargeFor(customer);
    expect(h.stripe.requestsTo('POST', '/v1/refunds').filter((r) => r.body.charge === charge.id).map((r) => r.idempotencyKey)).toEqual([`wavegraph-refund-${saga.id}`]);
    expect(h.stripe.requestsTo('DELETE', `/v1/subscriptions/${subscription}`)).toHaveLength(1);
    const refunded = (await recordedEvents(h)).filter((e) => e.type === 'billing.PaymentRefunded' && e.payload.userId === user.id);
    expect(refunded.map((e) => e.payload)).toEqual([{ userId: user.id, stripeChargeId: charge.id, stripeCustomerId: customer, amount: 499, currency: 'usd', fullyRefunded: true }]);
    expect((await subscriptionOf(h, user, user.id)).data?._entities[0]?.subscription?.status).toBe('CANCELED');
    // the same answer delivered again changes nothing
    await identityAnswers(user.id, saga.id, 'REFUSED');
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(h.stripe.requestsTo('POST', '/v1/refunds').filter((r) => r.body.charge === charge.id)).toHaveLength(1);
  });

  it('backs off its retries: base × 2^(n−1), at most the maximum', () => {
    const settings = { baseMs: 5_000, maxMs: 60_000 };
    expect([1, 2, 3, 4, 5, 6].map((n) => retryDelayMs(n, settings))).toEqual([5_000, 10_000, 20_000, 40_000, 60_000, 60_000]);
  });

  it('retries a compensation Stripe fails with backoff, showing the error and the next try meanwhile, and refunds once', async () => {
    const { user, saga, customer } = await paid();
    // the invoice cannot be read twice, then Stripe answers again
    h.stripe.failNext = { count: 2, status: 500 };
    await identityAnswers(user.id, saga.id, 'REFUSED');
    const failing = await eventually(async () => {
      const seen = (await sagaById(saga.id)).data!.billingSaga;
      expect(seen.attempts).toBeGreaterThan(0);
      return seen;
    }, 15_000, 20);
    expect(failing.error).toMatch(/^compensation failed/);
    expect(failing.status).toBe('COMPENSATING');
    expect(failing.nextAttemptAt).not.toBeNull();
    const done = await settled(saga.id, 'COMPENSATED');
    expect(done).toMatchObject({ attempts: 0, nextAttemptAt: null });
    const charge = h.stripe.chargeFor(customer);
    expect(h.stripe.requestsTo('POST', '/v1/refunds').filter((r) => r.body.charge === charge.id)).toHaveLength(1);
  });

  it('starts a downgrade saga when Premium stops, and completes it whatever identity answers', async () => {
    const { user, subscription } = await paid();
    const ended = h.stripe.changeSubscription(subscription, { status: 'unpaid' }, Math.floor(Date.now() / 1000) + 5);
    expect((await h.stripe.deliver(h.webhookUrl, ended)).status).toBe(200);
    const [downgrade] = await sagasOf(user.id);
    expect(downgrade).toMatchObject({ kind: 'DOWNGRADE', status: 'RUNNING', trigger: 'billing.SubscriptionChanged', steps: [{ name: 'PLAN_FREE', status: 'PENDING', error: null }] });
    await identityAnswers(user.id, downgrade.id, 'REFUSED', 'FREE');
    const done = await settled(downgrade.id, 'COMPLETED');
    expect(done.steps).toEqual([{ name: 'PLAN_FREE', status: 'SKIPPED', error: 'the account no longer exists' }]);
  });

  it('downgrades on a full refund or a dispute, not on a partial refund', async () => {
    const { user, customer } = await paid();
    const charge = h.stripe.chargeFor(customer);
    await h.stripe.deliver(h.webhookUrl, h.stripe.refundEvent(charge.id, 100));
    expect((await sagasOf(user.id)).map((s) => s.kind)).toEqual(['ACTIVATE']);
    await h.stripe.deliver(h.webhookUrl, h.stripe.refundEvent(charge.id));
    const [downgrade] = await sagasOf(user.id);
    expect(downgrade).toMatchObject({ kind: 'DOWNGRADE', trigger: 'billing.PaymentRefunded', status: 'RUNNING' });
    await h.stripe.deliver(h.webhookUrl, h.stripe.disputeEvent(charge.id));
    expect((await sagasOf(user.id)).map((s) => s.trigger)).toEqual(['billing.PaymentDisputed', 'billing.PaymentRefunded', 'billing.PaymentCompleted']);
  });

  it('shows sagas to staff only', async () => {
    const { user, saga } = await paid();
    expect((await sagaById(saga.id, user)).errors?.[0].extensions?.code).toBe('FORBIDDEN');
    expect((await h.billing.call(`query($u: ID!) { billingSagas(userId: $u) { id } }`, { u: user.id }, user)).errors?.[0].extensions?.code).toBe('FORBIDDEN');
    expect((await sagaById('00000000-0000-4000-8000-000000000000')).errors?.[0].extensions?.code).toBe('NOT_FOUND');
    expect((await sagaById('not-an-id')).errors?.[0].extensions?.code).toBe('NOT_FOUND');
  });
});
