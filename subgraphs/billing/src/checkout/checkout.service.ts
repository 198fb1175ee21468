import type { Viewer } from '@wavegraph/auth';
import { notFound } from '@wavegraph/kit';
import type Stripe from 'stripe';
import type { BillingConfig } from '../billing.config';
import { alreadyPremium, callStripe } from '../stripe/stripe.errors';
import type { CustomerRepository } from '../subscription/customer.repository';
import { isPremium } from '../subscription/subscription.entity';
import type { SubscriptionRepository } from '../subscription/subscription.repository';

export interface CheckoutSessionView {
  id: string;
  url: string;
}

/** Selling Premium: Stripe Checkout in subscription mode, one Stripe customer per user, and the customer portal. */
export class CheckoutService {
  constructor(
    private readonly stripe: Stripe,
    private readonly config: BillingConfig,
    private readonly customers: CustomerRepository,
    private readonly subscriptions: SubscriptionRepository,
  ) {}

  async startPremiumCheckout(viewer: Viewer): Promise<CheckoutSessionView> {
    if (viewer.plan === 'PREMIUM' || isPremium(await this.subscriptions.findByUserId(viewer.id))) throw alreadyPremium();
    const customer = await this.customerOf(viewer.id);
    const userId = viewer.id.toLowerCase();
    const session = await callStripe(() =>
      this.stripe.checkout.sessions.create({
        mode: 'subscription',
        customer,
        client_reference_id: userId,
        line_items: [{ price: this.config.premiumPrice, quantity: 1 }],
        success_url: this.config.successUrl,
        cancel_url: this.config.cancelUrl,
        metadata: { userId },
        subscription_data: { metadata: { userId } },
      }),
    );
    if (!session.url) throw new Error(`Stripe returned checkout session ${session.id} without a URL`);
    return { id: session.id, url: session.url };
  }

  /** A fresh customer-portal link (payment method, invoices, cancellation) for a user who has bought before. */
  async billingPortalUrl(viewer: Viewer): Promise<string> {
    const customer = await this.customers.findByUserId(viewer.id);
    if (!customer) throw notFound('Billing account');
    const session = await callStripe(() => this.stripe.billingPortal.sessions.create({ customer: customer.stripeCustomerId, return_url: this.config.portalReturnUrl }));
    return session.url;
  }

  /**
   * The user's Stripe customer, created on first use. The idempotency key makes concurrent first
   * checkouts of one user get the same customer from Stripe (within Stripe's 24 h key window; the
   * table keeps the first one recorded after that).
   */
  private async customerOf(userId: string): Promise<string> {
    const known = await this.customers.findByUserId(userId);
    if (known) return known.stripeCustomerId;
    const id = userId.toLowerCase();
    const created = await callStripe(() => this.stripe.customers.create({ metadata: { userId: id } }, { idempotencyKey: `wavegraph-customer-${id}` }));
    return (await this.customers.remember(id, created.id)).stripeCustomerId;
  }
}
