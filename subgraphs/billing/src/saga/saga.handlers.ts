import { on, PlanChangeSettled, type EventHandler, type Producer } from '@wavegraph/events';
import type { Logger } from '@wavegraph/kit';
import { SagaKind, SagaStatus, SagaStepStatus } from './saga.entity';
import type { SagaRepository } from './saga.repository';
import type { Compensation } from './saga.compensation';

export const BILLING_GROUP = 'billing';
export const BILLING_PRODUCERS: readonly Producer[] = ['identity'];

/**
 * Identity's answers advance the saga its cause started. An activation identity REFUSED for good
 * (the account is gone) is compensated: the payment refunded and the subscription cancelled at
 * Stripe, PaymentRefunded recorded (notifications tells the user). A Stripe failure throws: the
 * consumer retries the event with backoff (dead-lettered after its attempts), and the saga shows
 * the error and the attempts meanwhile (the stuck-saga metric counts it).
 */
export function sagaHandlers(sagas: SagaRepository, compensation: Compensation, log: Logger): EventHandler[] {
  return [
    on(PlanChangeSettled, async (event, tx) => {
      const { cause, outcome, reason, plan } = event.payload;
      const saga = await sagas.lock(tx, cause);
      if (!saga || saga.status === SagaStatus.COMPLETED || saga.status === SagaStatus.COMPENSATED) return;
      const stepName = plan === 'PREMIUM' ? 'PLAN_PREMIUM' : 'PLAN_FREE';
      if (outcome !== 'REFUSED') return sagas.advance(tx, saga, stepName, SagaStepStatus.DONE, SagaStatus.COMPLETED);
      // nothing to take back from an account that is gone when Premium was ending anyway
      if (saga.kind === SagaKind.DOWNGRADE) return sagas.advance(tx, saga, stepName, SagaStepStatus.SKIPPED, SagaStatus.COMPLETED, reason);
      await sagas.advance(tx, saga, stepName, SagaStepStatus.FAILED, SagaStatus.COMPENSATING, reason);
      try {
        await compensation.run(tx, saga);
      } catch (error) {
        const message = error instanceof Error ? error.message : String(error);
        log.warn({ sagaId: saga.id, err: error }, 'compensating a Premium activation failed; retried with the event');
        // not awaited: this transaction holds the saga's row lock until it rolls back, then the note is written on its own
        void sagas.noteFailure(saga.id, `compensation failed: ${message}`).catch((err: unknown) => log.warn({ sagaId: saga.id, err }, 'could not note the failure on the saga'));
        throw error;
      }
    }),
  ];
}
