import type { MigrationInterface, QueryRunner } from 'typeorm';

/** When a compensation Stripe failed is tried next (saga/saga.retry.ts): the retries back off, and survive restarts. */
export class SagaRetries1766830500000 implements MigrationInterface {
  name = 'SagaRetries1766830500000';

  async up(runner: QueryRunner): Promise<void> {
    await runner.query('ALTER TABLE billing_sagas ADD COLUMN next_attempt_at timestamptz(3)');
    await runner.query(`CREATE INDEX billing_sagas_retry_idx ON billing_sagas (next_attempt_at) WHERE status = 'COMPENSATING' AND next_attempt_at IS NOT NULL`);
  }

  async down(runner: QueryRunner): Promise<void> {
    await runner.query('ALTER TABLE billing_sagas DROP COLUMN next_attempt_at');
  }
}
