import type { MigrationInterface, QueryRunner } from 'typeorm';

/** Catalog's access of each episode (EpisodeSnapshot.access): search quotes no transcript of a PREMIUM one. */
export class EpisodeAccess1766850000002 implements MigrationInterface {
  name = 'EpisodeAccess1766850000002';

  async up(runner: QueryRunner): Promise<void> {
    await runner.query(`ALTER TABLE episode_docs ADD COLUMN access text NOT NULL DEFAULT 'PUBLIC'`);
  }

  async down(runner: QueryRunner): Promise<void> {
    await runner.query('ALTER TABLE episode_docs DROP COLUMN access');
  }
}
