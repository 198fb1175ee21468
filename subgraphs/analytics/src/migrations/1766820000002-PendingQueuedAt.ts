import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * When each row entered analytics_pending, for the age of the oldest waiting row
 * (wavegraph_analytics_pending_oldest_age_seconds). Rows already queued count from the migration.
 */
export class PendingQueuedAt1766820000002 implements MigrationInterface {
  name = 'PendingQueuedAt1766820000002';

  async up(runner: QueryRunner): Promise<void> {
    await runner.query('ALTER TABLE analytics_pending ADD COLUMN queued_at timestamptz(3) NOT NULL DEFAULT now()');
  }

  async down(runner: QueryRunner): Promise<void> {
    await runner.query('ALTER TABLE analytics_pending DROP COLUMN queued_at');
  }
}
