import type { DataSource, EntityManager } from 'typeorm';
import { In } from 'typeorm';
import { Saga, SagaKind, SagaStatus, SagaStepStatus } from './saga.entity';

export interface NewSaga {
  id: string;
  userId: string;
  kind: SagaKind;
  trigger: string;
  paymentId?: string | null;
  stripeSubscriptionId?: string | null;
}

type StepRow = Saga['steps'][number];

interface SagaRow {
  id: string;
  user_id: string;
  kind: SagaKind;
  trigger: string;
  payment_id: string | null;
  stripe_subscription_id: string | null;
  status: SagaStatus;
  steps: StepRow[];
  error: string | null;
  attempts: number;
  next_attempt_at: Date | null;
  created_at: Date;
  updated_at: Date;
}

const sagaOf = (row: SagaRow): Saga =>
  Object.assign(new Saga(), {
    id: row.id, userId: row.user_id, kind: row.kind, trigger: row.trigger, paymentId: row.payment_id, stripeSubscriptionId: row.stripe_subscription_id,
    status: row.status, steps: row.steps, error: row.error, attempts: row.attempts, nextAttemptAt: row.next_attempt_at, createdAt: row.created_at, updatedAt: row.updated_at,
  });
const step = (name: string, status: SagaStepStatus, error: string | null = null): StepRow => ({ name, status, error, at: status === SagaStepStatus.PENDING ? null : new Date().toISOString() });

/** Sagas, started in the transaction of the event that starts them and advanced by identity's answers. */
export class SagaRepository {
  constructor(private readonly dataSource: DataSource) {}

  async start(tx: EntityManager, saga: NewSaga): Promise<void> {
    const steps = saga.kind === SagaKind.ACTIVATE
      ? [step('PAYMENT_RECORDED', SagaStepStatus.DONE), step('PLAN_PREMIUM', SagaStepStatus.PENDING)]
      : [step('PLAN_FREE', SagaStepStatus.PENDING)];
    await tx.query(
      `INSERT INTO billing_sagas (id, user_id, kind, trigger, payment_id, stripe_subscription_id, status, steps) VALUES ($1, $2, $3, $4, $5, $6, $7, $8) ON CONFLICT (id) DO NOTHING`,
      [saga.id, saga.userId.toLowerCase(), saga.kind, saga.trigger, saga.paymentId ?? null, saga.stripeSubscriptionId ?? null, SagaStatus.RUNNING, JSON.stringify(steps)],
    );
  }

  /** The saga, locked for the rest of `tx` (plain SQL: the event consumer's transactions carry no entity metadata). */
  async lock(tx: EntityManager, id: string): Promise<Saga | null> {
    const [row]: SagaRow[] = await tx.query('SELECT * FROM billing_sagas WHERE id = $1 FOR UPDATE', [id]);
    return row ? sagaOf(row) : null;
  }

  /** Sets a step (added if new) and the saga's status, inside `tx`. */
  async advance(tx: EntityManager, saga: Saga, name: string, status: SagaStepStatus, sagaStatus: SagaStatus, error: string | null = null): Promise<void> {
    const steps = saga.steps.some((s) => s.name === name) ? saga.steps.map((s) => (s.name === name ? step(name, status, error) : s)) : [...saga.steps, step(name, status, error)];
    saga.steps = steps;
    saga.status = sagaStatus;
    await tx.query(
      `UPDATE billing_sagas SET steps = $2, status = $3, error = COALESCE($4, error), attempts = CASE WHEN $3 IN ('COMPLETED', 'COMPENSATED') THEN 0 ELSE attempts END, updated_at = now() WHERE id = $1`,
      [saga.id, JSON.stringify(steps), sagaStatus, error],
    );
  }

  /** Ends the saga with `status`, its steps as they are. */
  async finish(tx: EntityManager, saga: Saga, status: SagaStatus): Promise<void> {
    saga.status = status;
    await tx.query(`UPDATE billing_sagas SET status = $2, attempts = 0, next_attempt_at = NULL, updated_at = now() WHERE id = $1`, [saga.id, status]);
  }

  /** A compensation Stripe failed: the error and one more attempt noted, and when to try again (inside `tx`, which commits what did succeed). */
  async scheduleRetry(tx: EntityManager, saga: Saga, error: string, delayMs: number): Promise<void> {
    saga.attempts += 1;
    await tx.query(
      `UPDATE billing_sagas SET error = $2, attempts = attempts + 1, next_attempt_at = now() + make_interval(secs => $3), updated_at = now() WHERE id = $1`,
      [saga.id, error.slice(0, 500), delayMs / 1000],
    );
  }

  /** The next compensation whose retry is due, locked for `tx`; one another replica holds is skipped. */
  async lockDue(tx: EntityManager, now: Date): Promise<Saga | null> {
    const [row]: SagaRow[] = await tx.query(
      `SELECT * FROM billing_sagas WHERE status = 'COMPENSATING' AND next_attempt_at <= $1 ORDER BY next_attempt_at LIMIT 1 FOR UPDATE SKIP LOCKED`,
      [now],
    );
    return row ? sagaOf(row) : null;
  }

  findByIds(ids: readonly string[]): Promise<Saga[]> {
    return this.dataSource.getRepository(Saga).findBy({ id: In([...ids]) });
  }

  forUser(userId: string, limit: number): Promise<Saga[]> {
    return this.dataSource.getRepository(Saga).find({ where: { userId: userId.toLowerCase() }, order: { createdAt: 'DESC' }, take: limit });
  }

  /** Open sagas by status, and how long the oldest has waited (the stuck-saga metric). */
  async openSummary(): Promise<Array<{ status: string; count: number; oldestSeconds: number }>> {
    const rows: Array<{ status: string; count: number; oldest: number | null }> = await this.dataSource.query(
      `SELECT status, count(*)::int AS count, EXTRACT(EPOCH FROM now() - min(updated_at))::float AS oldest FROM billing_sagas WHERE status IN ('RUNNING', 'COMPENSATING') GROUP BY status`,
    );
    return rows.map((r) => ({ status: r.status, count: r.count, oldestSeconds: r.oldest ?? 0 }));
  }
}
