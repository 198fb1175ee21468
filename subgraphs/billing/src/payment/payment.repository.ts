import { PaymentCompleted, PaymentDisputed, PaymentRefunded, recordEvent } from '@wavegraph/events';
import type { EntityManager } from 'typeorm';
import { SagaKind } from '../saga/saga.entity';
import type { SagaRepository } from '../saga/saga.repository';

export interface PaymentFacts {
  /** The Stripe invoice (`in_…`), or the checkout session (`cs_…`) when there is none. */
  id: string;
  userId: string;
  stripeCustomerId: string;
  stripeSubscriptionId: string | null;
  amount: number;
  currency: string;
}

export interface ChargeIncident {
  /** What makes the incident unique: the dispute id, or the charge id with the refunded total. */
  key: string;
  kind: 'REFUND' | 'DISPUTE';
  stripeChargeId: string;
  userId: string;
  amount: number;
  currency: string;
  detail: string | null;
}

/**
 * Payments and charge incidents; each records its event only the first time it is learned, and
 * starts the saga that event begins (a payment activates Premium, a refund or dispute ends it).
 */
export class PaymentRepository {
  constructor(private readonly sagas: SagaRepository) {}

  /**
   * A payment went through: stored as PAID and `billing.PaymentCompleted` recorded, once per
   * invoice even though Stripe tells it twice (checkout.session.completed and invoice.paid).
   */
  async completed(tx: EntityManager, payment: PaymentFacts): Promise<boolean> {
    const rows: unknown[] = await tx.query(
      `INSERT INTO payments (id, user_id, stripe_customer_id, stripe_subscription_id, status, amount, currency)
       VALUES ($1, $2, $3, $4, 'PAID', $5, $6)
       ON CONFLICT (id) DO UPDATE SET status = 'PAID', amount = EXCLUDED.amount, updated_at = now() WHERE payments.status <> 'PAID'
       RETURNING id`,
      [payment.id, payment.userId, payment.stripeCustomerId, payment.stripeSubscriptionId, payment.amount, payment.currency.toLowerCase()],
    );
    if (rows.length === 0) return false;
    const eventId = await recordEvent(tx, PaymentCompleted, payment.userId, {
      userId: payment.userId,
      paymentId: payment.id,
      stripeCustomerId: payment.stripeCustomerId,
      stripeSubscriptionId: payment.stripeSubscriptionId,
      amount: payment.amount,
      currency: payment.currency.toLowerCase(),
      plan: 'PREMIUM',
    });
    await this.sagas.start(tx, { id: eventId, userId: payment.userId, kind: SagaKind.ACTIVATE, trigger: PaymentCompleted.type, paymentId: payment.id, stripeSubscriptionId: payment.stripeSubscriptionId });
    return true;
  }

  /** An attempt to collect a payment failed (Stripe retries; the subscription's status tells when the grace ends). */
  async failed(tx: EntityManager, payment: PaymentFacts, attempts: number, reason: string): Promise<void> {
    await tx.query(
      `INSERT INTO payments (id, user_id, stripe_customer_id, stripe_subscription_id, status, amount, currency, failed_attempts, last_error)
       VALUES ($1, $2, $3, $4, 'FAILED', $5, $6, $7, $8)
       ON CONFLICT (id) DO UPDATE SET failed_attempts = GREATEST(payments.failed_attempts, EXCLUDED.failed_attempts), last_error = EXCLUDED.last_error, updated_at = now()
       WHERE payments.status <> 'PAID'`,
      [payment.id, payment.userId, payment.stripeCustomerId, payment.stripeSubscriptionId, payment.amount, payment.currency.toLowerCase(), attempts, reason],
    );
  }

  /** A refund or dispute, recorded once, with `billing.PaymentRefunded` or `billing.PaymentDisputed`. */
  async incident(tx: EntityManager, incident: ChargeIncident, stripeCustomerId: string, fullyRefunded: boolean, disputeId?: string): Promise<boolean> {
    const rows: unknown[] = await tx.query(
      `INSERT INTO charge_incidents (stripe_object_id, kind, stripe_charge_id, user_id, amount, currency, detail)
       VALUES ($1, $2, $3, $4, $5, $6, $7) ON CONFLICT (stripe_object_id) DO NOTHING RETURNING stripe_object_id`,
      [incident.key, incident.kind, incident.stripeChargeId, incident.userId, incident.amount, incident.currency.toLowerCase(), incident.detail],
    );
    if (rows.length === 0) return false;
    const money = { userId: incident.userId, stripeChargeId: incident.stripeChargeId, amount: incident.amount, currency: incident.currency.toLowerCase() };
    const eventId = incident.kind === 'REFUND'
      ? await recordEvent(tx, PaymentRefunded, incident.userId, { ...money, stripeCustomerId, fullyRefunded })
      : await recordEvent(tx, PaymentDisputed, incident.userId, { ...money, stripeDisputeId: disputeId ?? incident.key, reason: incident.detail ?? '' });
    // a partial refund leaves Premium as it is (identity acts on full refunds and disputes only)
    if (incident.kind === 'DISPUTE' || fullyRefunded) {
      const trigger = incident.kind === 'REFUND' ? PaymentRefunded.type : PaymentDisputed.type;
      await this.sagas.start(tx, { id: eventId, userId: incident.userId, kind: SagaKind.DOWNGRADE, trigger });
    }
    return true;
  }
}
