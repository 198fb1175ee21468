import { TEST_PREMIUM_PRICE } from '@wavegraph/billing/testing';
import { errorCodes } from './support/graphql';
import { startTestSupergraph, type TestSupergraph } from './support/supergraph';
import { signUp, type SignedUp } from './support/users';

/*
 * Buying Premium through the gateway: the checkout session is created at (the test) Stripe,
 * Stripe's signed checkout.session.completed reaches billing through the gateway's /webhooks
 * pass-through, and the buyer's User.subscription is ACTIVE, for them and staff only.
 */
describe('billing through the gateway', () => {
  let supergraph: TestSupergraph;
  let buyer: SignedUp;
  let neighbour: SignedUp;

  beforeAll(async () => {
    supergraph = await startTestSupergraph();
    buyer = await signUp(supergraph, 'buyer');
    neighbour = await signUp(supergraph, 'neighbour');
  });
  afterAll(async () => {
    await supergraph?.stop();
  });

  it('sells Premium: checkout at Stripe, the signed webhook through the gateway, User.subscription ACTIVE', async () => {
    const { startPremiumCheckout: session } = await buyer.client.StartPremiumCheckout();
    expect(session.url).toBe(`https://checkout.stripe.com/c/pay/${session.id}`);
    // the test Stripe received the session request for the buyer, for the Premium price
    const [request] = supergraph.stripe.requestsTo('POST', '/v1/checkout/sessions');
    expect(request.body).toMatchObject({ mode: 'subscription', client_reference_id: buyer.userId, line_items: [{ price: TEST_PREMIUM_PRICE, quantity: '1' }] });
    expect((await buyer.client.MySubscription()).me?.subscription).toBeNull();

    // the buyer pays; Stripe posts the completed checkout to the gateway
    const event = supergraph.stripe.completeCheckout(session.id);
    const delivered = await supergraph.stripe.deliver(supergraph.stripeWebhookUrl, event);
    expect(delivered.status).toBe(200);
    expect(await delivered.json()).toMatchObject({ received: true, id: event.id, outcome: 'applied' });

    const { me } = await buyer.client.MySubscription();
    expect(me?.subscription).toMatchObject({ status: 'ACTIVE', plan: 'PREMIUM', cancelAtPeriodEnd: false });
    expect(new Date(me!.subscription!.currentPeriodEnd!).getTime()).toBeGreaterThan(Date.now());
    // Stripe retrying the same event changes nothing
    expect(await (await supergraph.stripe.deliver(supergraph.stripeWebhookUrl, event)).json()).toMatchObject({ duplicate: true });
    // buying again is refused
    expect(await errorCodes(buyer.client.StartPremiumCheckout())).toEqual(['CONFLICT']);
  });

  it('refuses a webhook with a bad signature or a stale timestamp at the gateway with 400, changing nothing', async () => {
    const { startPremiumCheckout: session } = await neighbour.client.StartPremiumCheckout();
    const event = supergraph.stripe.completeCheckout(session.id);
    const forged = await supergraph.stripe.deliver(supergraph.stripeWebhookUrl, event, { secret: 'whsec_forged' });
    expect(forged.status).toBe(400);
    const stale = await supergraph.stripe.deliver(supergraph.stripeWebhookUrl, event, { timestamp: Math.floor(Date.now() / 1000) - 3_600 });
    expect(stale.status).toBe(400);
    expect((await neighbour.client.MySubscription()).me?.subscription).toBeNull();
  });

  it("shows a subscription to its user only, and lets them cancel at period end and resume", async () => {
    // another user reading the buyer's subscription: the field is null with FORBIDDEN, the user still resolves
    expect(await errorCodes(neighbour.client.UserSubscription({ id: buyer.userId }))).toEqual(['FORBIDDEN']);
    const { cancelPremium } = await buyer.client.CancelPremium();
    expect(cancelPremium).toMatchObject({ status: 'ACTIVE', cancelAtPeriodEnd: true });
    expect((await buyer.client.MySubscription()).me?.subscription?.cancelAtPeriodEnd).toBe(true);
    const { resumePremium } = await buyer.client.ResumePremium();
    expect(resumePremium.cancelAtPeriodEnd).toBe(false);
    const { billingPortalUrl } = await buyer.client.BillingPortalUrl();
    expect(billingPortalUrl).toMatch(/^https:\/\/billing\.stripe\.com\/p\/session\//);
  });
});
