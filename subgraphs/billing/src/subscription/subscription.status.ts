import { STRIPE_SUBSCRIPTION_STATUSES } from '@wavegraph/events';
import { registerEnumType } from 'type-graphql';

export type StripeSubscriptionStatus = (typeof STRIPE_SUBSCRIPTION_STATUSES)[number];

/** The GraphQL enum `SubscriptionStatus`: Stripe's statuses in upper case (ACTIVE ↔ `active`). */
export const SubscriptionStatusEnum = Object.fromEntries(STRIPE_SUBSCRIPTION_STATUSES.map((s) => [s.toUpperCase(), s])) as {
  [K in StripeSubscriptionStatus as Uppercase<K>]: K;
};

registerEnumType(SubscriptionStatusEnum, {
  name: 'SubscriptionStatus',
  description: "A Premium subscription's state, as Stripe reports it",
  valuesConfig: {
    ACTIVE: { description: 'Paid and current' },
    TRIALING: { description: 'In a free trial' },
    PAST_DUE: { description: 'A renewal payment failed; Stripe retries it and Premium lasts meanwhile (the grace period)' },
    UNPAID: { description: 'Retries ran out: Premium is suspended' },
    CANCELED: { description: 'Ended' },
    INCOMPLETE: { description: 'The first payment has not gone through yet' },
    INCOMPLETE_EXPIRED: { description: 'The first payment never went through' },
    PAUSED: { description: 'Paused' },
  },
});

export const isStripeStatus = (value: string): value is StripeSubscriptionStatus => (STRIPE_SUBSCRIPTION_STATUSES as readonly string[]).includes(value);

/** The statuses that entitle to Premium; `past_due` is the grace period while Stripe retries a renewal. */
const PREMIUM_STATUSES: ReadonlySet<StripeSubscriptionStatus> = new Set(['active', 'trialing', 'past_due']);
export const entitlesToPremium = (status: StripeSubscriptionStatus): boolean => PREMIUM_STATUSES.has(status);

/** A subscription that will never come back (a new checkout starts a new one). */
export const isEnded = (status: StripeSubscriptionStatus): boolean => status === 'canceled' || status === 'incomplete_expired';
