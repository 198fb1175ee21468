import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Premium episodes and private feeds: an episode's `access` (PUBLIC or PREMIUM), and the
 * per-listener feed tokens of a show (only a hash of each is kept; revoking one ends the feed).
 */
export class PremiumEpisodes1766850000000 implements MigrationInterface {
  name = 'PremiumEpisodes1766850000000';

  async up(runner: QueryRunner): Promise<void> {
    await runner.query(`ALTER TABLE episodes ADD COLUMN access text NOT NULL DEFAULT 'PUBLIC' CHECK (access IN ('PUBLIC', 'PREMIUM'))`);
    await runner.query(`
      CREATE TABLE private_feeds (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        show_id uuid NOT NULL REFERENCES shows (id) ON DELETE CASCADE,
        listener_id uuid NOT NULL,
        token_hash text NOT NULL UNIQUE,
        created_at timestamptz(3) NOT NULL DEFAULT now(),
        revoked_at timestamptz(3)
      )`);
    // one live feed per listener and show: a new one replaces it
    await runner.query('CREATE UNIQUE INDEX private_feeds_live ON private_feeds (show_id, listener_id) WHERE revoked_at IS NULL');
    await runner.query('CREATE INDEX private_feeds_listener ON private_feeds (listener_id) WHERE revoked_at IS NULL');
  }

  async down(runner: QueryRunner): Promise<void> {
    await runner.query('DROP TABLE private_feeds');
    await runner.query('ALTER TABLE episodes DROP COLUMN access');
  }
}
