import { createInboxTable, createPositionTables, dropInboxTable, dropPositionTables } from '@wavegraph/events';
import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Podcast feeds: the show and episode fields a feed carries (Apple and Podcasting 2.0 tags), and
 * what catalog learns of media from its events (feed_media: one row per episode) with the inbox
 * and positions of catalog's first consumer. `podcast_guid` is filled at creation and for older
 * shows on first use, then never changes; an episode's `guid` NULL means its id.
 */
export class Feeds1766400000000 implements MigrationInterface {
  name = 'Feeds1766400000000';

  async up(runner: QueryRunner): Promise<void> {
    await runner.query(`
      ALTER TABLE shows
        ADD COLUMN explicit boolean NOT NULL DEFAULT false,
        ADD COLUMN author text,
        ADD COLUMN owner_email text,
        ADD COLUMN show_type text NOT NULL DEFAULT 'EPISODIC' CHECK (show_type IN ('EPISODIC', 'SERIAL')),
        ADD COLUMN locked boolean NOT NULL DEFAULT false,
        ADD COLUMN people jsonb NOT NULL DEFAULT '[]',
        ADD COLUMN podcast_guid uuid`);
    await runner.query(`
      ALTER TABLE episodes
        ADD COLUMN episode_type text NOT NULL DEFAULT 'FULL' CHECK (episode_type IN ('FULL', 'TRAILER', 'BONUS')),
        ADD COLUMN explicit boolean,
        ADD COLUMN guid text CHECK (char_length(guid) BETWEEN 1 AND 500),
        ADD COLUMN people jsonb NOT NULL DEFAULT '[]'`);
    // an episode's guid is its id unless it was given one: unique per show either way
    await runner.query('CREATE UNIQUE INDEX episodes_guid_key ON episodes (show_id, (COALESCE(guid, id::text)))');
    await runner.query(`
      CREATE TABLE feed_media (
        episode_id uuid PRIMARY KEY,
        asset_id uuid,
        ready_at timestamptz(3),
        duration_seconds double precision,
        renditions jsonb NOT NULL DEFAULT '[]',
        transcript_revision integer NOT NULL DEFAULT 0,
        transcript_language text,
        chapters_revision integer NOT NULL DEFAULT 0,
        chapters_count integer NOT NULL DEFAULT 0,
        updated_at timestamptz(3) NOT NULL DEFAULT now()
      )`);
    await createInboxTable(runner);
    await createPositionTables(runner);
  }

  async down(runner: QueryRunner): Promise<void> {
    await dropPositionTables(runner);
    await dropInboxTable(runner);
    await runner.query('DROP TABLE feed_media');
    await runner.query('DROP INDEX episodes_guid_key');
    await runner.query('ALTER TABLE episodes DROP COLUMN episode_type, DROP COLUMN explicit, DROP COLUMN guid, DROP COLUMN people');
    await runner.query('ALTER TABLE shows DROP COLUMN explicit, DROP COLUMN author, DROP COLUMN owner_email, DROP COLUMN show_type, DROP COLUMN locked, DROP COLUMN people, DROP COLUMN podcast_guid');
  }
}
