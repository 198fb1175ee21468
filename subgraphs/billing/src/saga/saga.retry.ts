import type { Logger } from '@wavegraph/kit';
import type { DataSource } from 'typeorm';
import type { SagaRetrySettings } from '../billing.config';
import type { Compensation } from './saga.compensation';
import type { Saga } from './saga.entity';
import type { SagaRepository } from './saga.repository';

/**
 * The wait before a compensation's n-th retry (n ≥ 1): base × 2^(n−1), at most max. Our own:
 * the schedule lives on the saga's row (next_attempt_at), so it survives restarts and is shared
 * by replicas, which the in-process retry libraries do not offer.
 */
export const retryDelayMs = (attempt: number, settings: Pick<SagaRetrySettings, 'baseMs' | 'maxMs'>): number =>
  Math.min(settings.maxMs, settings.baseMs * 2 ** Math.max(0, attempt - 1));

/** Runs the compensation in `tx`'s saga; a Stripe failure schedules the next try instead of failing the transaction. */
export async function compensateOrRetry(
  { sagas, compensation, settings, log }: { sagas: SagaRepository; compensation: Compensation; settings: SagaRetrySettings; log: Logger },
  tx: Parameters<Compensation['run']>[0],
  saga: Saga,
): Promise<void> {
  try {
    await compensation.run(tx, saga);
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    const delayMs = retryDelayMs(saga.attempts + 1, settings);
    log.warn({ sagaId: saga.id, attempts: saga.attempts + 1, retryInMs: delayMs, err: error }, 'compensating a Premium activation failed; tried again later');
    // a database error aborted the transaction: this throws too, and the event or the sweep comes back
    await sagas.scheduleRetry(tx, saga, `compensation failed: ${message}`, delayMs);
  }
}

/**
 * Tries due compensations again, every `everyMs`, one saga per transaction (row locks with SKIP
 * LOCKED, so replicas share the work). A saga that keeps failing backs off up to `maxMs`; the
 * open-saga gauges show it meanwhile, and the stuck-saga alert fires on their age.
 */
export class SagaRetrier {
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<number> = Promise.resolve(0);

  constructor(
    private readonly dataSource: DataSource,
    private readonly deps: { sagas: SagaRepository; compensation: Compensation; settings: SagaRetrySettings; log: Logger },
  ) {}

  start(): void {
    this.timer = setInterval(() => {
      this.running = this.runDue().catch((error: unknown) => {
        this.deps.log.warn({ err: error }, 'retrying compensations failed; trying again at the next sweep');
        return 0;
      });
    }, this.deps.settings.everyMs);
    this.timer.unref();
  }

  /** Tries every compensation due by `now`; returns how many were tried. */
  async runDue(now: Date = new Date()): Promise<number> {
    let tried = 0;
    for (;;) {
      const found = await this.dataSource.transaction(async (tx) => {
        const saga = await this.deps.sagas.lockDue(tx, now);
        if (saga) await compensateOrRetry(this.deps, tx, saga);
        return saga !== null;
      });
      if (!found) return tried;
      tried += 1;
    }
  }

  async stop(): Promise<void> {
    clearInterval(this.timer);
    await this.running;
  }
}
