import { on, PlanChangeSettled, type EventHandler, type Producer } from '@wavegraph/events';
import type { Logger } from '@wavegraph/kit';
import type { SagaRetrySettings } from '../billing.config';
import type { Compensation } from './saga.compensation';
import { SagaKind, SagaStatus, SagaStepStatus } from './saga.entity';
import type { SagaRepository } from './saga.repository';
import { compensateOrRetry } from './saga.retry';

export const BILLING_GROUP = 'billing';
export const BILLING_PRODUCERS: readonly Producer[] = ['identity'];

/**
 * Identity's answers advance the saga its cause started. An activation identity REFUSED for good
 * (the account is gone) is compensated: the payment refunded and the subscription cancelled at
 * Stripe, PaymentRefunded recorded (notifications tells the user). A Stripe failure commits
 * what did succeed and schedules the next try on the saga (SagaRetrier, backing off); the saga
 * shows the error and the attempts meanwhile (the stuck-saga metric counts it).
 */
export function sagaHandlers(sagas: SagaRepository, compensation: Compensation, settings: SagaRetrySettings, log: Logger): EventHandler[] {
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
      await compensateOrRetry({ sagas, compensation, settings, log }, tx, saga);
    }),
  ];
}
