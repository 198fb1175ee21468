import type { MigrationInterface, QueryRunner } from 'typeorm';

/** The publish worker's reconciliation reads SCHEDULED episodes by time every round: a small partial index. */
export class ScheduledIndex1765200000000 implements MigrationInterface {
  name = 'ScheduledIndex1765200000000';

  async up(runner: QueryRunner): Promise<void> {
    await runner.query("CREATE INDEX episodes_scheduled_idx ON episodes (scheduled_at, id) WHERE status = 'SCHEDULED'");
  }

  async down(runner: QueryRunner): Promise<void> {
    await runner.query('DROP INDEX episodes_scheduled_idx');
  }
}
