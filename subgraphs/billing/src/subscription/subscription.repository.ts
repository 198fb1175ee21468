import { SubscriptionChanged, recordEvent } from '@wavegraph/events';
import type { DataSource, EntityManager } from 'typeorm';
import { In } from 'typeorm';
import { SagaKind } from '../saga/saga.entity';
import type { SagaRepository } from '../saga/saga.repository';
import { PremiumSubscription } from './subscription.entity';
import type { SubscriptionState } from './subscription.state';
import { entitlesToPremium, isEnded } from './subscription.status';

export type Applied = { applied: true; subscription: PremiumSubscription } | { applied: false; reason: 'older' | 'other-subscription'; subscription: PremiumSubscription };

const sameState = (row: PremiumSubscription, state: SubscriptionState): boolean =>
  row.stripeSubscriptionId === state.stripeSubscriptionId &&
  row.status === state.status &&
  row.cancelAtPeriodEnd === state.cancelAtPeriodEnd &&
  (row.currentPeriodEnd?.getTime() ?? null) === (state.currentPeriodEnd?.getTime() ?? null);

interface SubscriptionRow {
  user_id: string;
  stripe_subscription_id: string;
  stripe_customer_id: string;
  status: PremiumSubscription['status'];
  plan: PremiumSubscription['plan'];
  current_period_end: Date | null;
  cancel_at_period_end: boolean;
  state_at: Date;
  updated_at: Date;
}

const subscriptionOf = (row: SubscriptionRow): PremiumSubscription =>
  Object.assign(new PremiumSubscription(), {
    userId: row.user_id, stripeSubscriptionId: row.stripe_subscription_id, stripeCustomerId: row.stripe_customer_id, status: row.status, plan: row.plan,
    currentPeriodEnd: row.current_period_end, cancelAtPeriodEnd: row.cancel_at_period_end, stateAt: row.state_at, updatedAt: row.updated_at,
  });

/** Subscriptions by user; a state is written only over an older one, and every change is announced. */
export class SubscriptionRepository {
  constructor(
    private readonly dataSource: DataSource,
    private readonly sagas: SagaRepository,
  ) {}

  findByUserIds(userIds: readonly string[]): Promise<PremiumSubscription[]> {
    return this.dataSource.getRepository(PremiumSubscription).findBy({ userId: In(userIds.map((id) => id.toLowerCase())) });
  }

  private async locked(tx: EntityManager, userId: string): Promise<PremiumSubscription | null> {
    const [row]: SubscriptionRow[] = await tx.query('SELECT * FROM subscriptions WHERE user_id = $1 FOR UPDATE', [userId]);
    return row ? subscriptionOf(row) : null;
  }

  findByUserId(userId: string): Promise<PremiumSubscription | null> {
    return this.dataSource.getRepository(PremiumSubscription).findOneBy({ userId: userId.toLowerCase() });
  }

  /**
   * Writes `state` as the user's subscription if it is at least as new as the one held
   * (`stateAt`, Stripe's time for it), inside `tx`, and records `billing.SubscriptionChanged`
   * when anything a consumer cares about changed. A state of another subscription replaces
   * the held one only if the held one ended or the new one has not (a stale webhook of an old,
   * cancelled subscription never hides the user's new one).
   */
  async apply(tx: EntityManager, userId: string, state: SubscriptionState, stateAt: Date): Promise<Applied> {
    const id = userId.toLowerCase();
    // the row is locked for the rest of the transaction: two webhooks for one user are decided one after the other
    // plain SQL throughout: compensation runs this in the event consumer's transaction, which has no entity metadata
    const held = await this.locked(tx, id);
    if (held) {
      if (held.stateAt.getTime() > stateAt.getTime()) return { applied: false, reason: 'older', subscription: held };
      if (held.stripeSubscriptionId !== state.stripeSubscriptionId && !isEnded(held.status) && isEnded(state.status)) {
        return { applied: false, reason: 'other-subscription', subscription: held };
      }
    }
    await tx.query(
      `INSERT INTO subscriptions (user_id, stripe_subscription_id, stripe_customer_id, status, plan, current_period_end, cancel_at_period_end, state_at)
       VALUES ($1, $2, $3, $4, 'PREMIUM', $5, $6, $7)
       ON CONFLICT (user_id) DO UPDATE SET stripe_subscription_id = EXCLUDED.stripe_subscription_id, stripe_customer_id = EXCLUDED.stripe_customer_id,
         status = EXCLUDED.status, current_period_end = EXCLUDED.current_period_end, cancel_at_period_end = EXCLUDED.cancel_at_period_end,
         state_at = EXCLUDED.state_at, updated_at = now()
       WHERE subscriptions.state_at <= EXCLUDED.state_at`,
      [id, state.stripeSubscriptionId, state.stripeCustomerId, state.status, state.currentPeriodEnd, state.cancelAtPeriodEnd, stateAt],
    );
    const current = (await this.locked(tx, id))!;
    if (!held || !sameState(held, state)) {
      const eventId = await recordEvent(tx, SubscriptionChanged, id, {
        userId: id,
        stripeSubscriptionId: state.stripeSubscriptionId,
        status: state.status,
        previousStatus: held && held.stripeSubscriptionId === state.stripeSubscriptionId ? held.status : null,
        premium: entitlesToPremium(state.status),
        cancelAtPeriodEnd: state.cancelAtPeriodEnd,
        currentPeriodEnd: state.currentPeriodEnd?.toISOString() ?? null,
      });
      // Premium stopped (ended, unpaid after the grace period): the downgrade saga starts with the event
      if (held && entitlesToPremium(held.status) && !entitlesToPremium(state.status)) {
        await this.sagas.start(tx, { id: eventId, userId: id, kind: SagaKind.DOWNGRADE, trigger: SubscriptionChanged.type, stripeSubscriptionId: state.stripeSubscriptionId });
      }
    }
    return { applied: true, subscription: current };
  }
}
