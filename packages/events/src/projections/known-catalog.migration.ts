import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Adds `access` (PUBLIC or PREMIUM, catalog's EpisodeSnapshot.access) to a context's
 * known_episodes, for the contexts that apply knownEpisodeHandlersWithAccess. Rows from before
 * are PUBLIC, as catalog's episodes were.
 */
export function knownEpisodeAccessMigration(): new () => MigrationInterface {
  return class KnownEpisodeAccess1766850000000 implements MigrationInterface {
    name = 'KnownEpisodeAccess1766850000000';

    async up(runner: QueryRunner): Promise<void> {
      await runner.query(`ALTER TABLE known_episodes ADD COLUMN access text NOT NULL DEFAULT 'PUBLIC' CHECK (access IN ('PUBLIC', 'PREMIUM'))`);
    }

    async down(runner: QueryRunner): Promise<void> {
      await runner.query('ALTER TABLE known_episodes DROP COLUMN access');
    }
  };
}
