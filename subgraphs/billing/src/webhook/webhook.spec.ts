import type { Viewer } from '@wavegraph/auth';
import { listener, recordedEvents, startBillingHarness, startCheckout, subscriptionOf, type BillingHarness } from '../testing/harness';

/*
 * Stripe's webhooks against the billing subgraph's own /webhooks/stripe, signed with the SDK's
 * test helper: verification, exactly-once effects, out-of-order delivery and retries on failure.
 */
describe('Stripe webhooks', () => {
  let h: BillingHarness;
  beforeAll(async () => {
    h = await startBillingHarness();
  });
  afterAll(async () => {
    await h?.stop();
  });

  const rows = async () => ({
    events: await h.billing.count('stripe_events'),
    subscriptions: await h.billing.count('subscriptions'),
    payments: await h.billing.count('payments'),
    outbox: await h.billing.count('outbox'),
  });

  /** A user who went through checkout; the completed-checkout event is not delivered yet. */
  async function checkedOut(): Promise<{ user: Viewer; event: ReturnType<BillingHarness['stripe']['completeCheckout']>; subscriptionId: string; customerId: string }> {
    const user = listener();
    const session = await startCheckout(h, user);
    const event = h.stripe.completeCheckout(session.id);
    const object = event.data.object as { subscription: string; customer: string };
    return { user, event, subscriptionId: object.subscription, customerId: object.customer };
  }

  const subscription = async (user: Viewer) => (await subscriptionOf(h, user, user.id)).data?._entities[0]?.subscription;

  describe('verification', () => {
    it('refuses a signature made with another secret with 400 and writes nothing', async () => {
      const { event } = await checkedOut();
      const before = await rows();
      const res = await h.stripe.deliver(h.webhookUrl, event, { secret: 'whsec_someone_else' });
      expect(res.status).toBe(400);
      expect(((await res.json()) as { error: string }).error).toMatch(/signature/i);
      expect(await rows()).toEqual(before);
    });

    it('refuses a correctly signed event whose timestamp is outside the tolerance window with 400 and writes nothing', async () => {
      const { event, user } = await checkedOut();
      const before = await rows();
      const res = await h.stripe.deliver(h.webhookUrl, event, { timestamp: Math.floor(Date.now() / 1000) - 600 });
      expect(res.status).toBe(400);
      expect(((await res.json()) as { error: string }).error).toMatch(/tolerance/i);
      expect(await rows()).toEqual(before);
      expect(await subscription(user)).toBeNull();
    });

    it('refuses a body changed after signing, and a request without a signature', async () => {
      const { event } = await checkedOut();
      const before = await rows();
      const { payload, signature } = h.stripe.sign(event);
      const tampered = payload.replace('"paid"', '"unpaid"');
      const changed = await fetch(h.webhookUrl, { method: 'POST', headers: { 'content-type': 'application/json', 'stripe-signature': signature }, body: tampered });
      expect(changed.status).toBe(400);
      const unsigned = await fetch(h.webhookUrl, { method: 'POST', headers: { 'content-type': 'application/json' }, body: payload });
      expect(unsigned.status).toBe(400);
      expect(await rows()).toEqual(before);
    });
  });

  it('activates the subscription from checkout.session.completed and records PaymentCompleted and SubscriptionChanged', async () => {
    const { user, event, subscriptionId, customerId } = await checkedOut();
    const res = await h.stripe.deliver(h.webhookUrl, event);
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({ received: true, id: event.id, outcome: 'applied', duplicate: false });
    // the subscription's state was asked of Stripe
    expect(h.stripe.requestsTo('GET', `/v1/subscriptions/${subscriptionId}`)).toHaveLength(1);
    const view = await subscription(user);
    expect(view).toMatchObject({ status: 'ACTIVE', plan: 'PREMIUM', cancelAtPeriodEnd: false });
    expect(new Date(view!.currentPeriodEnd!).getTime()).toBeGreaterThan(Date.now() + 29 * 86_400_000);
    const mine = (await recordedEvents(h)).filter((e) => e.payload.userId === user.id);
    expect(mine.map((e) => e.type).sort()).toEqual(['billing.PaymentCompleted', 'billing.SubscriptionChanged']);
    expect(mine.find((e) => e.type === 'billing.PaymentCompleted')!.payload).toMatchObject({ stripeCustomerId: customerId, stripeSubscriptionId: subscriptionId, amount: 499, currency: 'usd', plan: 'PREMIUM' });
    expect(mine.find((e) => e.type === 'billing.SubscriptionChanged')!.payload).toMatchObject({ status: 'active', previousStatus: null, premium: true });
  });

  it('processes an event delivered twice once, and counts the first invoice once whichever webhook tells it', async () => {
    const { user, event, subscriptionId } = await checkedOut();
    const first = await h.stripe.deliver(h.webhookUrl, event);
    const again = await h.stripe.deliver(h.webhookUrl, event);
    expect(first.status).toBe(200);
    expect(again.status).toBe(200);
    expect(await again.json()).toMatchObject({ duplicate: true });
    // Stripe also sends invoice.paid for the same first invoice
    const invoice = (event.data.object as { invoice: string }).invoice;
    const paid = await h.stripe.deliver(h.webhookUrl, h.stripe.invoiceEvent('invoice.paid', subscriptionId, { invoiceId: invoice, billingReason: 'subscription_create' }));
    expect(await paid.json()).toMatchObject({ outcome: 'ignored: payment already recorded' });
    const mine = (await recordedEvents(h)).filter((e) => e.payload.userId === user.id);
    expect(mine.filter((e) => e.type === 'billing.PaymentCompleted')).toHaveLength(1);
    expect(mine.filter((e) => e.type === 'billing.SubscriptionChanged')).toHaveLength(1);
    const [{ n }] = await h.billing.running.db.dataSource.query('SELECT count(*)::int AS n FROM stripe_events WHERE event_id = $1', [event.id]);
    expect(n).toBe(1);
    // the next month's renewal is a payment of its own
    const renewal = await h.stripe.deliver(h.webhookUrl, h.stripe.invoiceEvent('invoice.paid', subscriptionId));
    expect(await renewal.json()).toMatchObject({ outcome: 'applied' });
    expect((await recordedEvents(h)).filter((e) => e.payload.userId === user.id && e.type === 'billing.PaymentCompleted')).toHaveLength(2);
  });

  it('never lets an older customer.subscription.updated undo a newer one delivered before it', async () => {
    const { user, event, subscriptionId } = await checkedOut();
    await h.stripe.deliver(h.webhookUrl, event);
    const t = event.created;
    // Stripe made two changes: past_due at t+5, then paid again and set to cancel at t+10; they arrive newest first
    const older = h.stripe.changeSubscription(subscriptionId, { status: 'past_due' }, t + 5);
    const newer = h.stripe.changeSubscription(subscriptionId, { status: 'active', cancel_at_period_end: true }, t + 10);
    expect(await (await h.stripe.deliver(h.webhookUrl, newer)).json()).toMatchObject({ outcome: 'applied' });
    expect(await (await h.stripe.deliver(h.webhookUrl, older)).json()).toMatchObject({ outcome: 'ignored: a newer state is held' });
    expect(await subscription(user)).toMatchObject({ status: 'ACTIVE', cancelAtPeriodEnd: true });
    const changes = (await recordedEvents(h)).filter((e) => e.payload.userId === user.id && e.type === 'billing.SubscriptionChanged');
    expect(changes.map((e) => [e.payload.status, e.payload.cancelAtPeriodEnd])).toEqual([['active', false], ['active', true]]);
  });

  it('ends Premium on customer.subscription.deleted, and a stale deletion of an old subscription never hides a new one', async () => {
    const { user, event, subscriptionId } = await checkedOut();
    await h.stripe.deliver(h.webhookUrl, event);
    const deleted = h.stripe.changeSubscription(subscriptionId, { status: 'canceled' }, event.created + 5);
    expect(deleted.type).toBe('customer.subscription.deleted');
    expect(await (await h.stripe.deliver(h.webhookUrl, deleted)).json()).toMatchObject({ outcome: 'applied' });
    expect(await subscription(user)).toMatchObject({ status: 'CANCELED' });
    const ended = (await recordedEvents(h)).filter((e) => e.payload.userId === user.id && e.type === 'billing.SubscriptionChanged').pop();
    expect(ended!.payload).toMatchObject({ status: 'canceled', previousStatus: 'active', premium: false });

    // they buy again: a new subscription; then Stripe retries the old deletion (newer timestamp, old subscription)
    const second = await startCheckout(h, user);
    const again = h.stripe.completeCheckout(second.id, { created: event.created + 10 });
    await h.stripe.deliver(h.webhookUrl, again);
    expect(await subscription(user)).toMatchObject({ status: 'ACTIVE' });
    const retried = h.stripe.event('customer.subscription.deleted', deleted.data.object as unknown as Record<string, unknown>, event.created + 20);
    expect(await (await h.stripe.deliver(h.webhookUrl, retried)).json()).toMatchObject({ outcome: 'ignored: the user has another live subscription' });
    expect(await subscription(user)).toMatchObject({ status: 'ACTIVE' });
  });

  it('answers 500 when the effect cannot be completed, writing nothing, so that Stripe delivers it again', async () => {
    const { user, event } = await checkedOut();
    const before = await rows();
    // the subscription cannot be read from Stripe right now
    h.stripe.failNext = { count: 1, status: 500 };
    const failed = await h.stripe.deliver(h.webhookUrl, event);
    expect(failed.status).toBe(500);
    expect(await rows()).toEqual(before);
    const retried = await h.stripe.deliver(h.webhookUrl, event);
    expect(retried.status).toBe(200);
    expect(await subscription(user)).toMatchObject({ status: 'ACTIVE' });
  });

  it('records failed renewals, refunds and disputes once each, with PaymentRefunded and PaymentDisputed', async () => {
    const { user, event, subscriptionId, customerId } = await checkedOut();
    await h.stripe.deliver(h.webhookUrl, event);
    const failed = h.stripe.invoiceEvent('invoice.payment_failed', subscriptionId, { attempt: 2 });
    expect(await (await h.stripe.deliver(h.webhookUrl, failed)).json()).toMatchObject({ outcome: 'applied' });
    const invoiceId = (failed.data.object as { id: string }).id;
    const [payment] = await h.billing.running.db.dataSource.query('SELECT status, failed_attempts FROM payments WHERE id = $1', [invoiceId]);
    expect(payment).toEqual({ status: 'FAILED', failed_attempts: 2 });

    const charge = h.stripe.chargeFor(customerId);
    const refund = h.stripe.refundEvent(charge.id);
    expect(await (await h.stripe.deliver(h.webhookUrl, refund)).json()).toMatchObject({ outcome: 'applied' });
    const dispute = h.stripe.disputeEvent(charge.id);
    expect(await (await h.stripe.deliver(h.webhookUrl, dispute)).json()).toMatchObject({ outcome: 'applied' });
    // the dispute names the charge only: whose it is was asked of Stripe
    expect(h.stripe.requestsTo('GET', `/v1/charges/${charge.id}`)).toHaveLength(1);
    // the same refund told again under a new event id (Stripe resends as a new event) is one refund
    const resent = h.stripe.event('charge.refunded', refund.data.object as unknown as Record<string, unknown>);
    expect(await (await h.stripe.deliver(h.webhookUrl, resent)).json()).toMatchObject({ outcome: 'ignored: refund already recorded' });

    const mine = (await recordedEvents(h)).filter((e) => e.payload.userId === user.id);
    expect(mine.filter((e) => e.type === 'billing.PaymentRefunded').map((e) => e.payload)).toEqual([
      { userId: user.id, stripeChargeId: charge.id, stripeCustomerId: customerId, amount: 499, currency: 'usd', fullyRefunded: true },
    ]);
    expect(mine.filter((e) => e.type === 'billing.PaymentDisputed').map((e) => e.payload)).toEqual([
      { userId: user.id, stripeChargeId: charge.id, stripeDisputeId: (dispute.data.object as { id: string }).id, amount: 499, currency: 'usd', reason: 'fraudulent' },
    ]);
  });

  it('acknowledges events it does not handle, and events of customers it does not know, without effect', async () => {
    const before = await rows();
    const other = await h.stripe.deliver(h.webhookUrl, h.stripe.event('customer.created', { id: 'cus_elsewhere', object: 'customer' }));
    expect(await other.json()).toMatchObject({ outcome: 'ignored: not an event billing handles' });
    const stranger = h.stripe.event('charge.refunded', { id: 'ch_elsewhere', object: 'charge', customer: 'cus_elsewhere', amount: 100, amount_refunded: 100, refunded: true, currency: 'usd' });
    expect(await (await h.stripe.deliver(h.webhookUrl, stranger)).json()).toMatchObject({ outcome: 'ignored: not a Wavegraph customer' });
    const after = await rows();
    expect(after).toEqual({ ...before, events: before.events + 2 });
  });
});
