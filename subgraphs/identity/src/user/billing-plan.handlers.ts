import type { Plan } from '@wavegraph/auth';
import { on, PaymentCompleted, PaymentDisputed, PaymentRefunded, PlanChangeSettled, recordEvent, SubscriptionChanged, type EventEnvelope, type EventHandler, type Producer } from '@wavegraph/events';
import type { EntityManager } from 'typeorm';
import type { UserService } from './user.service';

export const IDENTITY_GROUP = 'identity';
export const IDENTITY_PRODUCERS: readonly Producer[] = ['billing'];

/**
 * Billing's saga steps that change a plan: a completed payment makes the user PREMIUM; a
 * subscription that stops entitling them, a full refund or a dispute makes them FREE. The change goes
 * through the same path as an admin's (UserPlanChanged, tokens voided), and identity answers each
 * with PlanChangeSettled; a user who no longer exists is REFUSED for good, which billing compensates.
 * Billing's events of one user arrive in order (one aggregate), so the last one decides the plan.
 */
export function billingPlanHandlers(users: UserService, changed: Set<string>): EventHandler[] {
  const settle = async (event: EventEnvelope<{ userId: string }>, tx: EntityManager, plan: Plan) => {
    const { userId } = event.payload;
    // voided before the change too: a token refreshed while it is in flight cannot keep the old plan
    const result = await users.changePlanIn(tx, userId, plan, () => users.revokeTokensOf(userId));
    if (result === 'changed') changed.add(userId);
    await recordEvent(tx, PlanChangeSettled, userId, {
      userId,
      cause: event.id,
      plan,
      outcome: result === 'changed' ? 'APPLIED' : result === 'unchanged' ? 'UNCHANGED' : 'REFUSED',
      reason: result === 'missing' ? 'the account no longer exists' : null,
    });
  };
  return [
    on(PaymentCompleted, (event, tx) => settle(event, tx, 'PREMIUM')),
    on(SubscriptionChanged, async (event, tx) => {
      // becoming entitled again is a payment's to decide (PaymentCompleted); losing it is this event's
      if (!event.payload.premium) await settle(event, tx, 'FREE');
    }),
    // a partial refund (a goodwill gesture) leaves Premium as it is
    on(PaymentRefunded, async (event, tx) => {
      if (event.payload.fullyRefunded) await settle(event, tx, 'FREE');
    }),
    on(PaymentDisputed, (event, tx) => settle(event, tx, 'FREE')),
  ];
}

/**
 * After the commit: the tokens of the users whose plan changed are voided again, so none issued
 * during the change says the old plan (a user noted by a handler whose event then rolled back is
 * only asked to refresh once more).
 */
export const revokeAfterApply = (users: UserService, changed: Set<string>) => async () => {
  const affected = [...changed];
  changed.clear();
  for (const userId of affected) await users.revokeTokensOf(userId);
};
