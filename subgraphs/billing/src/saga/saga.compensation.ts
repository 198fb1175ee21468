import type Stripe from 'stripe';
import type { EntityManager } from 'typeorm';
import type { PaymentRepository } from '../payment/payment.repository';
import { idOf } from '../stripe/stripe.client';
import type { SubscriptionRepository } from '../subscription/subscription.repository';
import { stateOf } from '../subscription/subscription.state';
import { SagaStatus, SagaStepStatus, type Saga } from './saga.entity';
import type { SagaRepository } from './saga.repository';

/**
 * Undoing a Premium activation that cannot complete: the payment refunded, the subscription
 * cancelled at once. Each Stripe request carries an idempotency key derived from the saga, so a
 * retry after a failure (or after the transaction rolled back) never refunds twice.
 */
export class Compensation {
  constructor(
    private readonly stripe: Stripe,
    private readonly sagas: SagaRepository,
    private readonly payments: PaymentRepository,
    private readonly subscriptions: SubscriptionRepository,
  ) {}

  async run(tx: EntityManager, saga: Saga): Promise<void> {
    if (!saga.paymentId?.startsWith('in_')) throw new Error(`payment ${saga.paymentId ?? '(none)'} has no invoice to refund`);
    const invoice = await this.stripe.invoices.retrieve(saga.paymentId, { expand: ['payments'] });
    const paid = invoice.payments?.data.find((p) => p.status === 'paid') ?? invoice.payments?.data[0];
    const charge = idOf(paid?.payment?.charge ?? null);
    const paymentIntent = idOf(paid?.payment?.payment_intent ?? null);
    if (!charge && !paymentIntent) throw new Error(`invoice ${invoice.id} names no charge to refund`);
    const refund = await this.stripe.refunds.create(
      { ...(charge ? { charge } : { payment_intent: paymentIntent! }), reason: 'requested_by_customer', metadata: { sagaId: saga.id, userId: saga.userId } },
      { idempotencyKey: `wavegraph-refund-${saga.id}` },
    );
    await this.sagas.advance(tx, saga, 'REFUND', SagaStepStatus.DONE, SagaStatus.COMPENSATING);
    const customer = idOf(invoice.customer);
    const refundedCharge = idOf(refund.charge) ?? charge;
    if (customer && refundedCharge) {
      // the same key as charge.refunded's, so Stripe's webhook for this refund adds nothing
      const total = refund.amount;
      await this.payments.incident(
        tx,
        { key: `${refundedCharge}:refunded:${total}`, kind: 'REFUND', stripeChargeId: refundedCharge, userId: saga.userId, amount: total, currency: refund.currency, detail: 'Premium could not be activated' },
        customer,
        total >= invoice.amount_paid,
      );
    }
    if (saga.stripeSubscriptionId) {
      const cancelled = await this.stripe.subscriptions.cancel(saga.stripeSubscriptionId, {}, { idempotencyKey: `wavegraph-cancel-${saga.id}` });
      await this.subscriptions.apply(tx, saga.userId, stateOf(cancelled), new Date(Math.floor(Date.now() / 1000) * 1000));
      await this.sagas.advance(tx, saga, 'CANCEL_SUBSCRIPTION', SagaStepStatus.DONE, SagaStatus.COMPENSATING);
    }
    await this.sagas.finish(tx, saga, SagaStatus.COMPENSATED);
  }
}
