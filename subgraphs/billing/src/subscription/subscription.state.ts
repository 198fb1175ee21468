import type Stripe from 'stripe';
import { idOf } from '../stripe/stripe.client';
import { isStripeStatus, type StripeSubscriptionStatus } from './subscription.status';

/** What billing keeps of a Stripe subscription. */
export interface SubscriptionState {
  stripeSubscriptionId: string;
  stripeCustomerId: string;
  status: StripeSubscriptionStatus;
  currentPeriodEnd: Date | null;
  cancelAtPeriodEnd: boolean;
}

/**
 * A Stripe Subscription object (webhook payload or API answer) as billing keeps it. Since API
 * version 2025-03-31 the period lives on each item; the subscription's ends with its last item's.
 */
export function stateOf(subscription: Stripe.Subscription): SubscriptionState {
  const ends = (subscription.items?.data ?? []).map((item) => item.current_period_end).filter((end): end is number => typeof end === 'number');
  const customer = idOf(subscription.customer);
  if (!customer) throw new Error(`subscription ${subscription.id} has no customer`);
  if (!isStripeStatus(subscription.status)) throw new Error(`subscription ${subscription.id} has an unknown status "${subscription.status}"`);
  return {
    stripeSubscriptionId: subscription.id,
    stripeCustomerId: customer,
    status: subscription.status,
    currentPeriodEnd: ends.length ? new Date(Math.max(...ends) * 1000) : null,
    cancelAtPeriodEnd: subscription.cancel_at_period_end === true,
  };
}

/** Stripe's seconds since the epoch as a Date. */
export const stripeTime = (seconds: number): Date => new Date(seconds * 1000);
