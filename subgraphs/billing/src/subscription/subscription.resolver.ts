import { isSelfOrStaff } from '@wavegraph/auth';
import { byKeys, forbidden, requireViewer } from '@wavegraph/kit';
import { Ctx, FieldResolver, Mutation, Query, Resolver, Root } from 'type-graphql';
import { CheckoutSession } from '../checkout/checkout.types';
import type { BillingContext } from '../services';
import { User } from '../user/user.type';
import { PremiumSubscription } from './subscription.entity';

/** One query for every user whose subscription a request asks for. */
function loadSubscription(ctx: BillingContext, userId: string): Promise<PremiumSubscription | null> {
  return ctx.loaders
    .get<string, PremiumSubscription | null>('subscription:byUser', async (ids) => byKeys(ids, await ctx.services.subscriptions.findByUserIds(ids), (s) => s.userId))
    .load(userId.toLowerCase());
}

@Resolver(() => PremiumSubscription)
export class SubscriptionResolver {
  @Mutation(() => CheckoutSession, { description: 'Starts buying Premium: a Stripe Checkout session to send the buyer to (CONFLICT if you already have Premium)' })
  startPremiumCheckout(@Ctx() ctx: BillingContext): Promise<CheckoutSession> {
    return ctx.services.checkout.startPremiumCheckout(requireViewer(ctx));
  }

  @Mutation(() => PremiumSubscription, { description: 'Ends Premium at the end of the paid period instead of renewing it' })
  cancelPremium(@Ctx() ctx: BillingContext): Promise<PremiumSubscription> {
    return ctx.services.subscriptionChanges.cancelPremium(requireViewer(ctx));
  }

  @Mutation(() => PremiumSubscription, { description: 'Keeps renewing Premium after a cancelPremium, while the paid period lasts' })
  resumePremium(@Ctx() ctx: BillingContext): Promise<PremiumSubscription> {
    return ctx.services.subscriptionChanges.resumePremium(requireViewer(ctx));
  }

  @Query(() => String, { description: "A link to Stripe's customer portal (payment method, invoices); NOT_FOUND before a first checkout" })
  billingPortalUrl(@Ctx() ctx: BillingContext): Promise<string> {
    return ctx.services.checkout.billingPortalUrl(requireViewer(ctx));
  }
}

@Resolver(() => User)
export class UserSubscriptionResolver {
  @FieldResolver(() => PremiumSubscription, { nullable: true, description: 'Their Premium subscription (null if they never bought one); only they and staff see it' })
  subscription(@Root() user: User, @Ctx() ctx: BillingContext): Promise<PremiumSubscription | null> {
    if (!isSelfOrStaff(requireViewer(ctx), user.id)) throw forbidden('A subscription is seen by its user and staff only');
    return loadSubscription(ctx, user.id);
  }
}
