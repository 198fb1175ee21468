import { TEST_PREMIUM_PRICE } from '@wavegraph/billing/testing';
import type { WavegraphClient } from '@wavegraph/client';
import { eventually } from '@wavegraph/testkit';
import { errorCodes } from './support/graphql';
import { startTestSupergraph, type TestSupergraph } from './support/supergraph';

/*
 * Buying Premium through the gateway: the checkout session is created at (the test) Stripe,
 * Stripe's signed webhooks reach billing through the gateway's /webhooks pass-through, and the
 * saga runs through events: identity changes the plan (the user's next token carries it),
 * notifications tells them; an activation identity refuses is refunded at Stripe.
 */
describe('billing through the gateway', () => {
  let supergraph: TestSupergraph;
  let staff: WavegraphClient;

  interface Account {
    userId: string;
    refreshToken: string;
    client: WavegraphClient;
  }

  async function register(handle: string): Promise<Account> {
    const { register: session } = await supergraph.client().Register({ input: { email: `${handle}@example.com`, handle, displayName: handle, password: `${handle} has a long password` } });
    return { userId: session.user.id, refreshToken: session.refreshToken, client: supergraph.client(session.accessToken) };
  }

  /** A refreshed session (a plan change voids the tokens issued before it): its client and the plan its token carries. */
  async function refreshed(account: Account): Promise<{ client: WavegraphClient; plan: string | null }> {
    const { refreshSession } = await supergraph.client().RefreshSession({ refreshToken: account.refreshToken });
    account.refreshToken = refreshSession.refreshToken;
    account.client = supergraph.client(refreshSession.accessToken);
    return { client: account.client, plan: refreshSession.user.plan };
  }

  /** Waits until the user's refreshed token says `plan`. */
  const planBecomes = (account: Account, plan: string) =>
    eventually(async () => {
      const now = await refreshed(account);
      expect(now.plan).toBe(plan);
    }, 20_000, 100);

  /**
   * Runs `op` as the account, refreshing once when its token was voided meanwhile, as a client does
   * on UNAUTHENTICATED: identity voids the tokens again just after a plan change commits, so one
   * refreshed in between is refused once.
   */
  async function as<T>(account: Account, op: (client: WavegraphClient) => Promise<T>): Promise<T> {
    try {
      return await op(account.client);
    } catch (error) {
      const codes = (error as { response?: { errors?: Array<{ extensions?: { code?: string } }> } }).response?.errors?.map((e) => e.extensions?.code) ?? [];
      if (!codes.includes('UNAUTHENTICATED')) throw error;
      await refreshed(account);
      return op(account.client);
    }
  }

  /** Checkout through the gateway, then Stripe completing it and posting the webhook to the gateway. */
  async function buyPremium(account: Account) {
    const { startPremiumCheckout: session } = await account.client.StartPremiumCheckout();
    const event = supergraph.stripe.completeCheckout(session.id);
    const delivered = await supergraph.stripe.deliver(supergraph.stripeWebhookUrl, event);
    expect(delivered.status).toBe(200);
    const object = event.data.object as { subscription: string; customer: string; invoice: string };
    return { session, event, ...object };
  }

  beforeAll(async () => {
    supergraph = await startTestSupergraph();
    const admin = await register('billing_admin');
    await supergraph.identity.db.dataSource.query(`UPDATE users SET role = 'ADMIN' WHERE id = $1`, [admin.userId]);
    staff = (await refreshed(admin)).client;
  });
  afterAll(async () => {
    await supergraph?.stop();
  });

  it('sells Premium: checkout at Stripe, the signed webhook through the gateway, User.subscription ACTIVE, plan PREMIUM and a notification', async () => {
    const buyer = await register('buyer');
    const { startPremiumCheckout: session } = await buyer.client.StartPremiumCheckout();
    expect(session.url).toBe(`https://checkout.stripe.com/c/pay/${session.id}`);
    // the test Stripe received the session request for the buyer, for the Premium price
    const [request] = supergraph.stripe.requestsTo('POST', '/v1/checkout/sessions').filter((r) => r.body.client_reference_id === buyer.userId);
    expect(request.body).toMatchObject({ mode: 'subscription', line_items: [{ price: TEST_PREMIUM_PRICE, quantity: '1' }] });
    expect((await buyer.client.MySubscription()).me?.subscription).toBeNull();

    // the buyer pays; Stripe posts the completed checkout to the gateway
    const event = supergraph.stripe.completeCheckout(session.id);
    const delivered = await supergraph.stripe.deliver(supergraph.stripeWebhookUrl, event);
    expect(delivered.status).toBe(200);
    expect(await delivered.json()).toMatchObject({ received: true, id: event.id, outcome: 'applied' });

    // identity made them PREMIUM: the old token is refused, a refreshed one carries the plan
    const before = buyer.client;
    await planBecomes(buyer, 'PREMIUM');
    expect(await errorCodes(before.MySubscription())).toEqual(['UNAUTHENTICATED']);
    const { me } = await as(buyer, (c) => c.MySubscription());
    expect(me).toMatchObject({ plan: 'PREMIUM', subscription: { status: 'ACTIVE', plan: 'PREMIUM', cancelAtPeriodEnd: false } });
    expect(new Date(me!.subscription!.currentPeriodEnd!).getTime()).toBeGreaterThan(Date.now());
    const inbox = await eventually(async () => {
      const { me: mine } = await as(buyer, (c) => c.MyNotifications({ first: 10 }));
      const kinds = mine!.notifications!.edges.map((e) => e.node.kind);
      expect(kinds).toContain('PREMIUM_STARTED');
      return kinds;
    }, 15_000, 100);
    expect(inbox.filter((k) => k === 'PREMIUM_STARTED')).toHaveLength(1);
    // staff see the saga completed, step by step
    const [saga] = (await staff.BillingSagas({ userId: buyer.userId })).billingSagas;
    expect(saga).toMatchObject({ kind: 'ACTIVATE', trigger: 'billing.PaymentCompleted', status: 'COMPLETED', error: null });
    expect(saga.steps.map((s) => [s.name, s.status])).toEqual([['PAYMENT_RECORDED', 'DONE'], ['PLAN_PREMIUM', 'DONE']]);
    expect((await staff.BillingSaga({ id: saga.id })).billingSaga.id).toBe(saga.id);
    expect(await errorCodes(as(buyer, (c) => c.BillingSaga({ id: saga.id })))).toEqual(['FORBIDDEN']);

    // Stripe retrying the same event changes nothing; buying again is refused
    expect(await (await supergraph.stripe.deliver(supergraph.stripeWebhookUrl, event)).json()).toMatchObject({ duplicate: true });
    expect(await errorCodes(as(buyer, (c) => c.StartPremiumCheckout()))).toEqual(['CONFLICT']);
  });

  it('refuses a webhook with a bad signature or a stale timestamp at the gateway with 400, changing nothing', async () => {
    const neighbour = await register('neighbour');
    const { startPremiumCheckout: session } = await neighbour.client.StartPremiumCheckout();
    const event = supergraph.stripe.completeCheckout(session.id);
    const forged = await supergraph.stripe.deliver(supergraph.stripeWebhookUrl, event, { secret: 'whsec_forged' });
    expect(forged.status).toBe(400);
    const stale = await supergraph.stripe.deliver(supergraph.stripeWebhookUrl, event, { timestamp: Math.floor(Date.now() / 1000) - 3_600 });
    expect(stale.status).toBe(400);
    expect((await neighbour.client.MySubscription()).me).toMatchObject({ plan: 'FREE', subscription: null });
  });

  it('shows a subscription to its user only, and lets them cancel at period end and resume', async () => {
    const owner = await register('owner');
    const other = await register('other');
    await buyPremium(owner);
    await planBecomes(owner, 'PREMIUM');
    // another user reading the owner's subscription: FORBIDDEN
    expect(await errorCodes(other.client.UserSubscription({ id: owner.userId }))).toEqual(['FORBIDDEN']);
    expect((await staff.UserSubscription({ id: owner.userId })).user?.subscription?.status).toBe('ACTIVE');
    const { cancelPremium } = await as(owner, (c) => c.CancelPremium());
    expect(cancelPremium).toMatchObject({ status: 'ACTIVE', cancelAtPeriodEnd: true });
    const { resumePremium } = await as(owner, (c) => c.ResumePremium());
    expect(resumePremium.cancelAtPeriodEnd).toBe(false);
    const { billingPortalUrl } = await as(owner, (c) => c.BillingPortalUrl());
    expect(billingPortalUrl).toMatch(/^https:\/\/billing\.stripe\.com\/p\/session\//);
  });

  it('downgrades to FREE when payment stops: the subscription unpaid after the grace period', async () => {
    const lapsing = await register('lapsing');
    const { subscription, event } = await buyPremium(lapsing);
    await planBecomes(lapsing, 'PREMIUM');
    // a renewal fails: past_due is the grace period, Premium stays
    await supergraph.stripe.deliver(supergraph.stripeWebhookUrl, supergraph.stripe.invoiceEvent('invoice.payment_failed', subscription, { created: event.created + 10 }));
    await supergraph.stripe.deliver(supergraph.stripeWebhookUrl, supergraph.stripe.changeSubscription(subscription, { status: 'past_due' }, event.created + 10));
    expect((await refreshed(lapsing)).plan).toBe('PREMIUM');
    // Stripe's retries ran out
    await supergraph.stripe.deliver(supergraph.stripeWebhookUrl, supergraph.stripe.changeSubscription(subscription, { status: 'unpaid' }, event.created + 20));
    await planBecomes(lapsing, 'FREE');
    expect((await as(lapsing, (c) => c.MySubscription())).me?.subscription?.status).toBe('UNPAID');
    await eventually(async () => {
      const kinds = (await as(lapsing, (c) => c.MyNotifications({ first: 10 }))).me!.notifications!.edges.map((e) => e.node.kind);
      expect(kinds).toContain('PREMIUM_ENDED');
    }, 15_000, 100);
    const sagas = (await staff.BillingSagas({ userId: lapsing.userId })).billingSagas;
    expect(sagas.map((s) => [s.kind, s.status])).toEqual([['DOWNGRADE', 'COMPLETED'], ['ACTIVATE', 'COMPLETED']]);
  });

  it('compensates an activation identity refuses for good: refund at Stripe, the subscription cancelled, PaymentRefunded, the user told', async () => {
    const leaver = await register('leaver');
    const { startPremiumCheckout: session } = await leaver.client.StartPremiumCheckout();
    const event = supergraph.stripe.completeCheckout(session.id);
    const { subscription, invoice, customer } = event.data.object as { subscription: string; invoice: string; customer: string };
    // the account is gone by the time Stripe reports the payment (identity has no deletion of its own yet: removed in its database)
    await supergraph.identity.db.dataSource.query('DELETE FROM users WHERE id = $1', [leaver.userId]);
    expect((await supergraph.stripe.deliver(supergraph.stripeWebhookUrl, event)).status).toBe(200);

    const saga = await eventually(async () => {
      const [found] = (await staff.BillingSagas({ userId: leaver.userId })).billingSagas.filter((s) => s.kind === 'ACTIVATE');
      expect(found?.status).toBe('COMPENSATED');
      return found;
    }, 20_000, 100);
    expect(saga.paymentId).toBe(invoice);
    expect(saga.steps.map((s) => [s.name, s.status])).toEqual([['PAYMENT_RECORDED', 'DONE'], ['PLAN_PREMIUM', 'FAILED'], ['REFUND', 'DONE'], ['CANCEL_SUBSCRIPTION', 'DONE']]);
    expect(saga.steps[1].error).toBe('the account no longer exists');
    // the test Stripe received the refund of the payment's charge, and the cancellation
    const charge = supergraph.stripe.chargeFor(customer);
    const refunds = supergraph.stripe.requestsTo('POST', '/v1/refunds');
    expect(refunds.map((r) => r.body.charge)).toEqual([charge.id]);
    expect(refunds[0].idempotencyKey).toBe(`wavegraph-refund-${saga.id}`);
    expect(supergraph.stripe.requestsTo('DELETE', `/v1/subscriptions/${subscription}`)).toHaveLength(1);
    // Stripe's own charge.refunded for that refund adds no second one
    const echo = await supergraph.stripe.deliver(supergraph.stripeWebhookUrl, supergraph.stripe.event('charge.refunded', { ...charge }));
    expect(await echo.json()).toMatchObject({ outcome: 'ignored: refund already recorded' });
    // the user is told (their inbox outlives the account in notifications' own database)
    const told = await eventually(async () => {
      const rows: Array<{ kind: string; message: string }> = await supergraph.notifications.db.dataSource.query('SELECT kind, message FROM notifications WHERE user_id = $1 AND kind = $2', [leaver.userId, 'PAYMENT_REFUNDED']);
      expect(rows).toHaveLength(1);
      return rows[0];
    }, 15_000, 100);
    expect(told.message).toMatch(/4\.99 USD was refunded/);
  });
});
