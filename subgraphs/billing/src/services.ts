import { EventBackbone } from '@wavegraph/events';
import type { Context, Logger, ServiceDeps } from '@wavegraph/kit';
import type Stripe from 'stripe';
import type { DataSource } from 'typeorm';
import type { BillingConfig } from './billing.config';
import { sagaGauges } from '@wavegraph/metrics';
import { CheckoutService } from './checkout/checkout.service';
import { PaymentRepository } from './payment/payment.repository';
import { Compensation } from './saga/saga.compensation';
import { BILLING_GROUP, BILLING_PRODUCERS, sagaHandlers } from './saga/saga.handlers';
import { SagaRepository } from './saga/saga.repository';
import { SagaRetrier } from './saga/saga.retry';
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
  sagas: SagaRepository;
  events: EventBackbone;
  log: Logger;
  /** Stops reporting the saga gauges (on stop). */
  unwatchSagas: () => void;
  /** Tries failed compensations again, backing off. */
  sagaRetrier: SagaRetrier;
}

export type BillingContext = Context<BillingServices>;

/** The subgraph's use cases over its database and the Stripe SDK; `config` is read once, by the caller. */
export function billingServicesFactory(config: () => BillingConfig, sagaRetryMs?: number) {
  return async ({ db, log, redis, redisPrefix, metrics }: ServiceDeps): Promise<BillingServices> => {
    const settings = config();
    const { dataSource } = db;
    const stripe = createStripeClient(settings);
    const customers = new CustomerRepository(dataSource);
    const sagas = new SagaRepository(dataSource);
    const subscriptions = new SubscriptionRepository(dataSource, sagas);
    const payments = new PaymentRepository(sagas);
    const compensation = new Compensation(stripe, sagas, payments, subscriptions);
    const events = await EventBackbone.start({
      dataSource, metrics, redis, prefix: redisPrefix, log, produces: 'billing',
      // identity's answers to the plan changes billing's events ask for move the sagas on
      consumes: { group: BILLING_GROUP, producers: BILLING_PRODUCERS, handlers: sagaHandlers(sagas, compensation, settings.sagaRetry, log.child({ component: 'sagas' })) },
      ...(sagaRetryMs !== undefined && { consumer: { reclaimIdleMs: sagaRetryMs } }),
    });
    const sagaRetrier = new SagaRetrier(dataSource, { sagas, compensation, settings: settings.sagaRetry, log: log.child({ component: 'saga-retries' }) });
    sagaRetrier.start();
    const unwatchSagas = sagaGauges(metrics).watch(async () =>
      (await sagas.openSummary()).map((s) => ({ labels: { status: s.status }, values: { open: s.count, oldestAge: s.oldestSeconds } })),
    );
    return {
      dataSource,
      stripe,
      checkout: new CheckoutService(stripe, settings, customers, subscriptions),
      subscriptions,
      subscriptionChanges: new SubscriptionService(stripe, dataSource, subscriptions),
      webhooks: new WebhookService(stripe, dataSource, webhookHandlers({ stripe, customers, subscriptions, payments }), { secret: settings.webhookSecret, toleranceSeconds: settings.webhookToleranceSeconds }, log.child({ component: 'stripe-webhooks' })),
      sagas,
      events,
      log,
      unwatchSagas,
      sagaRetrier,
    };
  };
}
