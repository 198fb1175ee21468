import type Stripe from 'stripe';
import type { EntityManager } from 'typeorm';
import type { PaymentRepository } from '../payment/payment.repository';
import { idOf } from '../stripe/stripe.client';
import type { CustomerRepository } from '../subscription/customer.repository';
import type { SubscriptionRepository } from '../subscription/subscription.repository';
import { stateOf, stripeTime } from '../subscription/subscription.state';

/** What processing an event came to, kept with its id (`applied`, or why it changed nothing). */
export type Outcome = string;

/**
 * One event type's processing: `prepare` may ask Stripe for more (outside any transaction),
 * `apply` writes the effect inside the transaction that also records the event as processed.
 */
export interface WebhookHandler {
  prepare?(event: Stripe.Event): Promise<unknown>;
  apply(tx: EntityManager, event: Stripe.Event, prepared: unknown): Promise<Outcome>;
}

export interface HandlerDeps {
  stripe: Stripe;
  customers: CustomerRepository;
  subscriptions: SubscriptionRepository;
  payments: PaymentRepository;
}

const UNKNOWN_CUSTOMER = 'ignored: not a Wavegraph customer';

/** The subscription an invoice bills (API 2025-03-31+: under `parent.subscription_details`). */
const subscriptionOfInvoice = (invoice: Stripe.Invoice): string | null => idOf(invoice.parent?.subscription_details?.subscription ?? null);

export function webhookHandlers({ stripe, customers, subscriptions, payments }: HandlerDeps): Record<string, WebhookHandler> {
  const userOf = (tx: EntityManager, customer: string | { id: string } | null | undefined) => {
    const id = idOf(customer);
    return id ? customers.userOf(tx, id) : Promise.resolve(null);
  };

  const subscriptionChanged: WebhookHandler = {
    async apply(tx, event) {
      const subscription = event.data.object as Stripe.Subscription;
      const state = stateOf(subscription);
      const userId = await userOf(tx, state.stripeCustomerId);
      if (!userId) return UNKNOWN_CUSTOMER;
      const result = await subscriptions.apply(tx, userId, state, stripeTime(event.created));
      return result.applied ? 'applied' : `ignored: ${result.reason === 'older' ? 'a newer state is held' : 'the user has another live subscription'}`;
    },
  };

  return {
    'checkout.session.completed': {
      // the session names its subscription; its status and period come from Stripe itself
      async prepare(event) {
        const session = event.data.object as Stripe.Checkout.Session;
        if (session.mode !== 'subscription' || !session.subscription) return null;
        return typeof session.subscription === 'string' ? stripe.subscriptions.retrieve(session.subscription) : session.subscription;
      },
      async apply(tx, event, prepared) {
        const session = event.data.object as Stripe.Checkout.Session;
        const subscription = prepared as Stripe.Subscription | null;
        if (!subscription) return 'ignored: not a subscription checkout';
        const customer = idOf(session.customer);
        const userId = await userOf(tx, customer);
        if (!userId || !customer) return UNKNOWN_CUSTOMER;
        const result = await subscriptions.apply(tx, userId, stateOf(subscription), stripeTime(event.created));
        if (session.payment_status === 'paid') {
          await payments.completed(tx, {
            id: idOf(session.invoice) ?? session.id,
            userId,
            stripeCustomerId: customer,
            stripeSubscriptionId: subscription.id,
            amount: session.amount_total ?? 0,
            currency: session.currency ?? 'usd',
          });
        }
        return result.applied ? 'applied' : 'applied: payment only, a newer subscription state is held';
      },
    },
    'invoice.paid': {
      async apply(tx, event) {
        const invoice = event.data.object as Stripe.Invoice;
        const customer = idOf(invoice.customer);
        const userId = await userOf(tx, customer);
        if (!userId || !customer || !invoice.id) return UNKNOWN_CUSTOMER;
        const subscription = subscriptionOfInvoice(invoice);
        if (!subscription) return 'ignored: not a subscription invoice';
        const fresh = await payments.completed(tx, { id: invoice.id, userId, stripeCustomerId: customer, stripeSubscriptionId: subscription, amount: invoice.amount_paid, currency: invoice.currency });
        return fresh ? 'applied' : 'ignored: payment already recorded';
      },
    },
    'invoice.payment_failed': {
      async apply(tx, event) {
        const invoice = event.data.object as Stripe.Invoice;
        const customer = idOf(invoice.customer);
        const userId = await userOf(tx, customer);
        if (!userId || !customer || !invoice.id) return UNKNOWN_CUSTOMER;
        const reason = invoice.last_finalization_error?.message ?? 'the payment was declined';
        await payments.failed(
          tx,
          { id: invoice.id, userId, stripeCustomerId: customer, stripeSubscriptionId: subscriptionOfInvoice(invoice), amount: invoice.amount_due, currency: invoice.currency },
          invoice.attempt_count ?? 1,
          reason,
        );
        return 'applied';
      },
    },
    'customer.subscription.updated': subscriptionChanged,
    'customer.subscription.deleted': subscriptionChanged,
    'charge.refunded': {
      async apply(tx, event) {
        const charge = event.data.object as Stripe.Charge;
        const customer = idOf(charge.customer);
        const userId = await userOf(tx, customer);
        if (!userId || !customer) return UNKNOWN_CUSTOMER;
        const fresh = await payments.incident(
          tx,
          { key: `${charge.id}:refunded:${charge.amount_refunded}`, kind: 'REFUND', stripeChargeId: charge.id, userId, amount: charge.amount_refunded, currency: charge.currency, detail: null },
          customer,
          charge.refunded === true,
        );
        return fresh ? 'applied' : 'ignored: refund already recorded';
      },
    },
    'charge.dispute.created': {
      // a dispute names its charge only; the charge says whose it is
      async prepare(event) {
        const dispute = event.data.object as Stripe.Dispute;
        return typeof dispute.charge === 'string' ? stripe.charges.retrieve(dispute.charge) : dispute.charge;
      },
      async apply(tx, event, prepared) {
        const dispute = event.data.object as Stripe.Dispute;
        const charge = prepared as Stripe.Charge;
        const customer = idOf(charge.customer);
        const userId = await userOf(tx, customer);
        if (!userId || !customer) return UNKNOWN_CUSTOMER;
        const fresh = await payments.incident(
          tx,
          { key: dispute.id, kind: 'DISPUTE', stripeChargeId: charge.id, userId, amount: dispute.amount, currency: dispute.currency, detail: dispute.reason },
          customer,
          false,
          dispute.id,
        );
        return fresh ? 'applied' : 'ignored: dispute already recorded';
      },
    },
  };
}
