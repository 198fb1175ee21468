import { z } from 'zod';
import { defineEvent, id, timestamp } from '../contract';

/** Stripe's subscription statuses, lower case as Stripe spells them. */
export const STRIPE_SUBSCRIPTION_STATUSES = ['incomplete', 'incomplete_expired', 'trialing', 'active', 'past_due', 'canceled', 'unpaid', 'paused'] as const;
const STATUS = z.enum(STRIPE_SUBSCRIPTION_STATUSES);
const money = { amount: z.number().int().nonnegative(), currency: z.string().min(3).max(3) };

/**
 * Aggregate: the user. Stripe took a payment for Premium (the first one at checkout, then each
 * renewal): recorded once per invoice, whichever of Stripe's webhooks told it first.
 */
export const PaymentCompleted = defineEvent(
  'billing',
  'PaymentCompleted',
  1,
  z.object({
    userId: id(),
    /** Billing's payment record: the Stripe invoice id (`in_…`), or the checkout session's (`cs_…`) without one. */
    paymentId: z.string().min(1),
    stripeCustomerId: z.string().min(1),
    stripeSubscriptionId: z.string().min(1).nullable(),
    ...money,
    plan: z.literal('PREMIUM'),
  }),
);

/**
 * Aggregate: the user. Their Premium subscription as Stripe now describes it (status, period,
 * cancellation at period end); `premium` says whether it currently entitles them to Premium.
 * Emitted only for a state newer than the one billing held, so consumers never see it go back.
 */
export const SubscriptionChanged = defineEvent(
  'billing',
  'SubscriptionChanged',
  1,
  z.object({
    userId: id(),
    stripeSubscriptionId: z.string().min(1),
    status: STATUS,
    previousStatus: STATUS.nullable(),
    premium: z.boolean(),
    cancelAtPeriodEnd: z.boolean(),
    currentPeriodEnd: timestamp().nullable(),
  }),
);

/** Aggregate: the user. Money went back to them for a charge (`amount` is this refund's total so far). */
export const PaymentRefunded = defineEvent(
  'billing',
  'PaymentRefunded',
  1,
  z.object({ userId: id(), stripeChargeId: z.string().min(1), stripeCustomerId: z.string().min(1), ...money, fullyRefunded: z.boolean() }),
);

/** Aggregate: the user. Their bank disputed a charge (a chargeback is under way). */
export const PaymentDisputed = defineEvent(
  'billing',
  'PaymentDisputed',
  1,
  z.object({ userId: id(), stripeChargeId: z.string().min(1), stripeDisputeId: z.string().min(1), ...money, reason: z.string() }),
);
