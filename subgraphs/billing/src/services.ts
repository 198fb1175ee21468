import { EventBackbone } from '@wavegraph/events';
import type { Context, Logger, ServiceDeps } from '@wavegraph/kit';
import type Stripe from 'stripe';
import type { DataSource } from 'typeorm';
import type { BillingConfig } from './billing.config';
import { CheckoutService } from './checkout/checkout.service';
import { PaymentRepository } from './payment/payment.repository';
import { createStripeClient } from './stripe/stripe.client';
import { CustomerRepository } from './subscription/customer.repository';
import { SubscriptionRepository } from './subscription/subscription.repository';
import { SubscriptionService } from './subscription/subscription.service';
import { webhookHandlers } from './webhook/webhook.handlers';
import { WebhookService } from './webhook/webhook.service';

export interface BillingServices {
  dataSource: DataSource;
  stripe: Stripe;
  checkout: CheckoutService;
  subscriptions: SubscriptionRepository;
  subscriptionChanges: SubscriptionService;
  webhooks: WebhookService;
  events: EventBackbone;
  log: Logger;
}

export type BillingContext = Context<BillingServices>;

/** The subgraph's use cases over its database and the Stripe SDK; `config` is read once, by the caller. */
export function billingServicesFactory(config: () => BillingConfig) {
  return async ({ db, log, redis, redisPrefix, metrics }: ServiceDeps): Promise<BillingServices> => {
    const settings = config();
    const { dataSource } = db;
    const stripe = createStripeClient(settings);
    const customers = new CustomerRepository(dataSource);
    const subscriptions = new SubscriptionRepository(dataSource);
    const payments = new PaymentRepository();
    const events = await EventBackbone.start({ dataSource, metrics, redis, prefix: redisPrefix, log, produces: 'billing' });
    return {
      dataSource,
      stripe,
      checkout: new CheckoutService(stripe, settings, customers, subscriptions),
      subscriptions,
      subscriptionChanges: new SubscriptionService(stripe, dataSource, subscriptions),
      webhooks: new WebhookService(stripe, dataSource, webhookHandlers({ stripe, customers, subscriptions, payments }), { secret: settings.webhookSecret, toleranceSeconds: settings.webhookToleranceSeconds }, log.child({ component: 'stripe-webhooks' })),
      events,
      log,
    };
  };
}
