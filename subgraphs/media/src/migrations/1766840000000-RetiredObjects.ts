import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Objects nothing points at any more, kept until signed URLs issued for them have expired
 * (storage/retired.ts): the sweep removes each once `delete_after` has passed.
 */
export class RetiredObjects1766840000000 implements MigrationInterface {
  name = 'RetiredObjects1766840000000';

  async up(runner: QueryRunner): Promise<void> {
    await runner.query(`
      CREATE TABLE media_retired_objects (
        prefix text PRIMARY KEY,
        delete_after timestamptz(3) NOT NULL,
        retired_at timestamptz(3) NOT NULL DEFAULT now()
      )`);
    await runner.query('CREATE INDEX media_retired_objects_due ON media_retired_objects (delete_after)');
  }

  async down(runner: QueryRunner): Promise<void> {
    await runner.query('DROP TABLE media_retired_objects');
  }
}
