import 'reflect-metadata';
import { randomUUID } from 'node:crypto';
import type { Viewer } from '@wavegraph/auth';
import { startTestSubgraph, type SubgraphHarness } from '@wavegraph/testkit';
import { billingConfigFromEnv, type BillingConfig } from '../billing.config';
import { createBillingModule } from '../billing.module';
import type { BillingServices } from '../services';
import { STRIPE_WEBHOOK_PATH } from '../webhook/webhook.routes';
import { StripeTestServer, TEST_PREMIUM_PRICE, TEST_SECRET_KEY, TEST_WEBHOOK_SECRET } from './stripe-server';

/** The billing settings of a test run, aimed at a local Stripe test server. */
export const testBillingConfig = (stripe: StripeTestServer, overrides: Partial<BillingConfig> = {}): BillingConfig => ({
  ...billingConfigFromEnv({ NODE_ENV: 'test' }),
  stripeApiUrl: stripe.url,
  secretKey: TEST_SECRET_KEY,
  webhookSecret: TEST_WEBHOOK_SECRET,
  premiumPrice: TEST_PREMIUM_PRICE,
  successUrl: 'http://127.0.0.1/premium/welcome?session_id={CHECKOUT_SESSION_ID}',
  cancelUrl: 'http://127.0.0.1/premium',
  portalReturnUrl: 'http://127.0.0.1/account',
  // compensations Stripe failed come back within a spec's patience
  sagaRetry: { baseMs: 100, maxMs: 1_000, everyMs: 100 },
  // a failing test server answers at once, without the SDK's backoff
  stripeMaxNetworkRetries: 0,
  ...overrides,
});

/** The billing subgraph in-process on a fresh database, the Stripe SDK aimed at a local test server. */
export interface BillingHarness {
  billing: SubgraphHarness<BillingServices>;
  stripe: StripeTestServer;
  /** Where Stripe would post webhooks: the subgraph's own /webhooks/stripe. */
  webhookUrl: string;
  stop(): Promise<void>;
}

export async function startBillingHarness(overrides: Partial<BillingConfig> = {}): Promise<BillingHarness> {
  const stripe = await new StripeTestServer().start();
  // a failed saga step is tried again within the test's patience
  const billing = await startTestSubgraph(createBillingModule({ config: () => testBillingConfig(stripe, overrides), sagaRetryMs: 300 }));
  return {
    billing,
    stripe,
    webhookUrl: billing.running.url.replace(/\/graphql$/, STRIPE_WEBHOOK_PATH),
    stop: async () => {
      await billing.stop();
      await stripe.stop();
    },
  };
}

export const listener = (plan: Viewer['plan'] = 'FREE'): Viewer => ({ id: randomUUID(), role: 'USER', plan });
export const staff = (): Viewer => ({ id: randomUUID(), role: 'EDITOR', plan: 'FREE' });

export interface SubscriptionView {
  status: string;
  plan: string;
  currentPeriodEnd: string | null;
  cancelAtPeriodEnd: boolean;
}

/** Starts a checkout for `viewer` and returns the session id and URL Stripe gave. */
export async function startCheckout(h: BillingHarness, viewer: Viewer): Promise<{ id: string; url: string }> {
  const res = await h.billing.call<{ startPremiumCheckout: { id: string; url: string } }>('mutation { startPremiumCheckout { id url } }', {}, viewer);
  if (!res.data?.startPremiumCheckout) throw new Error(`startPremiumCheckout failed: ${JSON.stringify(res.errors)}`);
  return res.data.startPremiumCheckout;
}

/** `User.subscription` as `viewer` reads it for `userId`, through an entity reference as the gateway asks. */
export async function subscriptionOf(h: BillingHarness, viewer: Viewer | null, userId: string) {
  return h.billing.call<{ _entities: Array<{ subscription: SubscriptionView | null } | null> }>(
    'query($reps: [_Any!]!) { _entities(representations: $reps) { ... on User { subscription { status plan currentPeriodEnd cancelAtPeriodEnd } } } }',
    { reps: [{ __typename: 'User', id: userId }] },
    viewer,
  );
}

/** Billing's outbox, oldest first. */
export async function recordedEvents(h: BillingHarness): Promise<Array<{ type: string; payload: Record<string, unknown> }>> {
  return h.billing.running.db.dataSource.query('SELECT type, payload FROM outbox ORDER BY position');
}
