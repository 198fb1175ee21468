import type { SubgraphModule } from '@wavegraph/kit';
import { billingConfigFromEnv, type BillingConfig } from './billing.config';
import { CreateBilling1766830000000 } from './migrations/1766830000000-CreateBilling';
import { SagaRetries1766830500000 } from './migrations/1766830500000-SagaRetries';
import { billingServicesFactory, type BillingServices } from './services';
import { BillingCustomer } from './subscription/customer.entity';
import { Saga } from './saga/saga.entity';
import { SagaResolver } from './saga/saga.resolver';
import { PremiumSubscription } from './subscription/subscription.entity';
import { SubscriptionResolver, UserSubscriptionResolver } from './subscription/subscription.resolver';
import { User, userRef } from './user/user.type';
import { webhookRoutes } from './webhook/webhook.routes';

export interface BillingModuleOptions {
  /** Read once at start; the environment's by default (tests give their local Stripe server). */
  config?: () => BillingConfig;
  /** How long a saga step that failed (Stripe away) waits before identity's answer is applied again; the event consumer's 30 s by default. */
  sagaRetryMs?: number;
}

/**
 * The billing subgraph: Premium sold through Stripe Checkout, cancelled or resumed through
 * Stripe Billing, and learned back from Stripe's signed webhooks at `/webhooks/stripe`; the
 * Premium saga (identity changes the plan, a refund compensates what cannot complete).
 */
export function createBillingModule(options: BillingModuleOptions = {}): SubgraphModule<BillingServices> {
  return {
    name: 'billing',
    resolvers: [SubscriptionResolver, UserSubscriptionResolver, SagaResolver],
    orphanedTypes: [User],
    entities: [PremiumSubscription, BillingCustomer, Saga],
    migrations: [CreateBilling1766830000000, SagaRetries1766830500000],
    createServices: billingServicesFactory(options.config ?? billingConfigFromEnv, options.sagaRetryMs),
    routes: (app, services) => webhookRoutes(app, services.webhooks, services.log),
    references: {
      User: async (ids) => ids.map(userRef),
    },
    eventLog: (services) => services.events.log!,
    ready: (services) => services.events.ping(),
    stopServices: async (services) => {
      services.unwatchSagas();
      await services.sagaRetrier.stop();
      await services.events.stop();
    },
  };
}

export const billingModule = createBillingModule();
