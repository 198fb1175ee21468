import { PLANS, type Plan } from '@wavegraph/auth';
import { Field, ObjectType, registerEnumType } from 'type-graphql';
import { Column, Entity, PrimaryColumn } from 'typeorm';
import { entitlesToPremium, SubscriptionStatusEnum, type StripeSubscriptionStatus } from './subscription.status';

export const PlanEnum = Object.fromEntries(PLANS.map((p) => [p, p])) as { [K in Plan]: K };
registerEnumType(PlanEnum, { name: 'Plan' });

/** A user's Premium subscription as billing last learned it from Stripe (one row per user: the latest subscription). */
@Entity('subscriptions')
@ObjectType('PremiumSubscription', { description: 'Your Premium subscription (Stripe Billing)' })
export class PremiumSubscription {
  @PrimaryColumn('uuid', { name: 'user_id' })
  userId: string;

  @Column('text', { name: 'stripe_subscription_id' })
  stripeSubscriptionId: string;

  @Column('text', { name: 'stripe_customer_id' })
  stripeCustomerId: string;

  @Field(() => SubscriptionStatusEnum)
  @Column('text')
  status: StripeSubscriptionStatus;

  @Field(() => PlanEnum, { description: 'The plan it is for' })
  @Column('text')
  plan: Plan;

  @Field(() => Date, { nullable: true, description: 'When the paid period ends (renewal, or the end of Premium when cancelled)' })
  @Column('timestamptz', { name: 'current_period_end', nullable: true })
  currentPeriodEnd: Date | null;

  @Field({ description: 'Premium ends at currentPeriodEnd instead of renewing' })
  @Column('boolean', { name: 'cancel_at_period_end' })
  cancelAtPeriodEnd: boolean;

  /** Stripe's time of this state (the webhook event's `created`): an older state never replaces it. */
  @Column('timestamptz', { name: 'state_at' })
  stateAt: Date;

  @Field(() => Date)
  @Column('timestamptz', { name: 'updated_at' })
  updatedAt: Date;
}

export const isPremium = (subscription: PremiumSubscription | null | undefined): boolean => !!subscription && entitlesToPremium(subscription.status);
