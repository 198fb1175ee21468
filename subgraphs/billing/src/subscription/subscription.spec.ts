import { TEST_PREMIUM_PRICE, TEST_SECRET_KEY } from '../testing/stripe-server';
import { listener, recordedEvents, staff, startBillingHarness, startCheckout, subscriptionOf, type BillingHarness } from '../testing/harness';
import type { Viewer } from '@wavegraph/auth';

/* Buying, cancelling and resuming Premium, against the local Stripe test server. */
describe('Premium subscriptions', () => {
  let h: BillingHarness;
  beforeAll(async () => {
    h = await startBillingHarness();
  });
  afterAll(async () => {
    await h?.stop();
  });

  /** A user whose checkout Stripe completed and told billing of. */
  async function premium(): Promise<{ user: Viewer; subscriptionId: string; customerId: string }> {
    const user = listener();
    const session = await startCheckout(h, user);
    const event = h.stripe.completeCheckout(session.id);
    expect((await h.stripe.deliver(h.webhookUrl, event)).status).toBe(200);
    const object = event.data.object as { subscription: string; customer: string };
    return { user, subscriptionId: object.subscription, customerId: object.customer };
  }

  it('creates a Checkout session in subscription mode for the Premium price, with one Stripe customer per user', async () => {
    const user = listener();
    const first = await startCheckout(h, user);
    expect(first.id).toMatch(/^cs_test_/);
    expect(first.url).toBe(`https://checkout.stripe.com/c/pay/${first.id}`);
    const [customer] = h.stripe.requestsTo('POST', '/v1/customers').filter((r) => (r.body.metadata as Record<string, string>).userId === user.id);
    expect(customer.authorization).toBe(`Bearer ${TEST_SECRET_KEY}`);
    expect(customer.idempotencyKey).toBe(`wavegraph-customer-${user.id}`);
    const [session] = h.stripe.requestsTo('POST', '/v1/checkout/sessions').filter((r) => r.body.client_reference_id === user.id);
    const customerId = [...h.stripe.customers.values()].find((c) => (c.metadata as Record<string, string>).userId === user.id)!.id;
    expect(session.body).toMatchObject({
      mode: 'subscription',
      customer: customerId,
      line_items: [{ price: TEST_PREMIUM_PRICE, quantity: '1' }],
      success_url: 'http://127.0.0.1/premium/welcome?session_id={CHECKOUT_SESSION_ID}',
      cancel_url: 'http://127.0.0.1/premium',
      subscription_data: { metadata: { userId: user.id } },
    });
    // a second attempt (the first tab was closed) reuses the customer
    await startCheckout(h, user);
    expect(h.stripe.requestsTo('POST', '/v1/customers').filter((r) => (r.body.metadata as Record<string, string>).userId === user.id)).toHaveLength(1);
    expect(h.stripe.requestsTo('POST', '/v1/checkout/sessions').filter((r) => r.body.customer === customerId)).toHaveLength(2);
    expect(await h.billing.count('billing_customers')).toBeGreaterThanOrEqual(1);
  });

  it('refuses a checkout to who already has Premium (CONFLICT), and to who is signed out (UNAUTHENTICATED)', async () => {
    const { user } = await premium();
    const sessions = h.stripe.requestsTo('POST', '/v1/checkout/sessions').length;
    const again = await h.billing.call('mutation { startPremiumCheckout { id url } }', {}, user);
    expect(again.errors?.[0].extensions?.code).toBe('CONFLICT');
    const granted = await h.billing.call('mutation { startPremiumCheckout { id url } }', {}, listener('PREMIUM'));
    expect(granted.errors?.[0].extensions?.code).toBe('CONFLICT');
    const anonymous = await h.billing.call('mutation { startPremiumCheckout { id url } }', {}, null);
    expect(anonymous.errors?.[0].extensions?.code).toBe('UNAUTHENTICATED');
    expect(h.stripe.requestsTo('POST', '/v1/checkout/sessions')).toHaveLength(sessions);
  });

  it('answers SERVICE_UNAVAILABLE while Stripe is down', async () => {
    h.stripe.failNext = { count: 1, status: 500 };
    const res = await h.billing.call('mutation { startPremiumCheckout { id url } }', {}, listener());
    expect(res.errors?.[0].extensions?.code).toBe('SERVICE_UNAVAILABLE');
  });

  it('shows User.subscription to the user and to staff only', async () => {
    const { user } = await premium();
    expect((await subscriptionOf(h, user, user.id)).data?._entities[0]?.subscription).toMatchObject({ status: 'ACTIVE', plan: 'PREMIUM' });
    expect((await subscriptionOf(h, staff(), user.id)).data?._entities[0]?.subscription).toMatchObject({ status: 'ACTIVE' });
    const other = await subscriptionOf(h, listener(), user.id);
    expect(other.data?._entities[0]?.subscription ?? null).toBeNull();
    expect(other.errors?.[0].extensions?.code).toBe('FORBIDDEN');
    expect((await subscriptionOf(h, null, user.id)).errors?.[0].extensions?.code).toBe('UNAUTHENTICATED');
    // never bought: null, not an error
    const newcomer = listener();
    const none = await subscriptionOf(h, newcomer, newcomer.id);
    expect(none.errors).toBeUndefined();
    expect(none.data?._entities[0]?.subscription).toBeNull();
  });

  it('cancels at period end and resumes through Stripe, keeping what Stripe answered', async () => {
    const { user, subscriptionId } = await premium();
    const cancelled = await h.billing.call<{ cancelPremium: { status: string; cancelAtPeriodEnd: boolean } }>('mutation { cancelPremium { status cancelAtPeriodEnd } }', {}, user);
    expect(cancelled.data?.cancelPremium).toEqual({ status: 'ACTIVE', cancelAtPeriodEnd: true });
    expect(h.stripe.requestsTo('POST', `/v1/subscriptions/${subscriptionId}`).map((r) => r.body)).toEqual([{ cancel_at_period_end: 'true' }]);
    // the webhook Stripe sends for that change afterwards changes nothing
    const echo = h.stripe.event('customer.subscription.updated', structuredClone(h.stripe.subscriptions.get(subscriptionId)!));
    await h.stripe.deliver(h.webhookUrl, echo);
    expect((await subscriptionOf(h, user, user.id)).data?._entities[0]?.subscription).toMatchObject({ cancelAtPeriodEnd: true });

    const resumed = await h.billing.call<{ resumePremium: { cancelAtPeriodEnd: boolean } }>('mutation { resumePremium { cancelAtPeriodEnd } }', {}, user);
    expect(resumed.data?.resumePremium).toEqual({ cancelAtPeriodEnd: false });
    expect(h.stripe.requestsTo('POST', `/v1/subscriptions/${subscriptionId}`).map((r) => r.body.cancel_at_period_end)).toEqual(['true', 'false']);
    const changes = (await recordedEvents(h)).filter((e) => e.payload.userId === user.id && e.type === 'billing.SubscriptionChanged');
    expect(changes.map((e) => e.payload.cancelAtPeriodEnd)).toEqual([false, true, false]);
  });

  it('refuses to cancel or resume without a live subscription', async () => {
    for (const mutation of ['cancelPremium', 'resumePremium']) {
      const res = await h.billing.call(`mutation { ${mutation} { status } }`, {}, listener());
      expect(res.errors?.[0].extensions?.code).toBe('CONFLICT');
    }
  });

  it("gives a customer-portal link for the user's Stripe customer, NOT_FOUND before any checkout", async () => {
    const { user, customerId } = await premium();
    const res = await h.billing.call<{ billingPortalUrl: string }>('{ billingPortalUrl }', {}, user);
    expect(res.data?.billingPortalUrl).toMatch(/^https:\/\/billing\.stripe\.com\/p\/session\/test_bps_/);
    expect(h.stripe.requestsTo('POST', '/v1/billing_portal/sessions').pop()?.body).toEqual({ customer: customerId, return_url: 'http://127.0.0.1/account' });
    expect((await h.billing.call('{ billingPortalUrl }', {}, listener())).errors?.[0].extensions?.code).toBe('NOT_FOUND');
  });

  it('reads the subscriptions of many users in one query', async () => {
    const users = [await premium(), await premium(), await premium()].map((p) => p.user);
    const queries: string[] = [];
    const logger = h.billing.running.db.dataSource.logger;
    const original = logger.logQuery.bind(logger);
    logger.logQuery = (query, parameters, runner) => {
      if (/FROM "subscriptions"/.test(query)) queries.push(query);
      return original(query, parameters, runner);
    };
    const res = await h.billing.call<{ _entities: Array<{ subscription: { status: string } | null }> }>(
      'query($reps: [_Any!]!) { _entities(representations: $reps) { ... on User { subscription { status } } } }',
      { reps: users.map((u) => ({ __typename: 'User', id: u.id })) },
      staff(),
    );
    logger.logQuery = original;
    expect(res.data?._entities.map((e) => e.subscription?.status)).toEqual(['ACTIVE', 'ACTIVE', 'ACTIVE']);
    expect(queries).toHaveLength(1);
  });
});
