import type { MigrationInterface, QueryRunner } from 'typeorm';

/** The media worker's reconciliation reads PROCESSING assets every round: a small partial index. */
export class ProcessingIndex1765200000000 implements MigrationInterface {
  name = 'ProcessingIndex1765200000000';

  async up(runner: QueryRunner): Promise<void> {
    await runner.query("CREATE INDEX media_assets_processing_idx ON media_assets (id) WHERE status = 'PROCESSING'");
  }

  async down(runner: QueryRunner): Promise<void> {
    await runner.query('DROP INDEX media_assets_processing_idx');
  }
}
