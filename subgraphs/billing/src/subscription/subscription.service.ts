import type { Viewer } from '@wavegraph/auth';
import type Stripe from 'stripe';
import type { DataSource } from 'typeorm';
import { callStripe, noPremium } from '../stripe/stripe.errors';
import { isPremium, type PremiumSubscription } from './subscription.entity';
import type { SubscriptionRepository } from './subscription.repository';
import { stateOf } from './subscription.state';

/** Cancelling at period end and resuming: asked of Stripe, then Stripe's answer kept. */
export class SubscriptionService {
  constructor(
    private readonly stripe: Stripe,
    private readonly dataSource: DataSource,
    private readonly subscriptions: SubscriptionRepository,
  ) {}

  cancelPremium(viewer: Viewer): Promise<PremiumSubscription> {
    return this.setCancelAtPeriodEnd(viewer, true);
  }

  resumePremium(viewer: Viewer): Promise<PremiumSubscription> {
    return this.setCancelAtPeriodEnd(viewer, false);
  }

  private async setCancelAtPeriodEnd(viewer: Viewer, cancel: boolean): Promise<PremiumSubscription> {
    const held = await this.subscriptions.findByUserId(viewer.id);
    if (!held || !isPremium(held)) throw noPremium();
    if (held.cancelAtPeriodEnd === cancel) return held;
    const answer = await callStripe(() => this.stripe.subscriptions.update(held.stripeSubscriptionId, { cancel_at_period_end: cancel }));
    // Stripe's answer is its state as of now, stamped to the second as Stripe stamps its events: the webhook for
    // this change (same second or later) changes nothing, and a later change made elsewhere (the portal) still wins
    const now = new Date(Math.floor(Date.now() / 1000) * 1000);
    return this.dataSource.transaction(async (tx) => (await this.subscriptions.apply(tx, viewer.id, stateOf(answer), now)).subscription);
  }
}
