import { createInboxTable, createOutboxTable, dropInboxTable, dropOutboxTable } from '@wavegraph/events';
import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Engagement's own data plus what it learned from catalog events. There are no foreign keys to
 * episodes, shows or users: those live in other databases. Timestamps shown in cursors keep
 * milliseconds only, so a cursor made from a JS Date matches the stored value exactly.
 */
export class CreateEngagement1763800000000 implements MigrationInterface {
  name = 'CreateEngagement1763800000000';

  async up(runner: QueryRunner): Promise<void> {
    // `position` is the catalog event that wrote the row: an older snapshot never overwrites a newer one
    await runner.query(`
      CREATE TABLE known_shows (
        show_id uuid PRIMARY KEY,
        owner_id uuid NOT NULL,
        position bigint NOT NULL
      )`);
    await runner.query(`
      CREATE TABLE known_episodes (
        episode_id uuid PRIMARY KEY,
        show_id uuid NOT NULL,
        owner_id uuid NOT NULL,
        status text NOT NULL,
        position bigint NOT NULL
      )`);

    // counters kept in the transaction of each like/play/comment, so counts are one batched read
    await runner.query(`
      CREATE TABLE episode_stats (
        episode_id uuid PRIMARY KEY,
        like_count integer NOT NULL DEFAULT 0 CHECK (like_count >= 0),
        play_count integer NOT NULL DEFAULT 0 CHECK (play_count >= 0),
        comment_count integer NOT NULL DEFAULT 0 CHECK (comment_count >= 0)
      )`);
    await runner.query(`
      CREATE TABLE show_stats (
        show_id uuid PRIMARY KEY,
        follower_count integer NOT NULL DEFAULT 0 CHECK (follower_count >= 0)
      )`);

    await runner.query(`
      CREATE TABLE likes (
        user_id uuid NOT NULL,
        episode_id uuid NOT NULL,
        created_at timestamptz(3) NOT NULL DEFAULT now(),
        PRIMARY KEY (user_id, episode_id)
      )`);
    await runner.query('CREATE INDEX likes_user_newest_idx ON likes (user_id, created_at DESC, episode_id DESC)');

    await runner.query(`
      CREATE TABLE comments (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        episode_id uuid NOT NULL,
        author_id uuid NOT NULL,
        parent_id uuid REFERENCES comments (id),
        body text NOT NULL,
        created_at timestamptz(3) NOT NULL DEFAULT now(),
        edited_at timestamptz(3),
        deleted_at timestamptz(3),
        deleted_by uuid
      )`);
    await runner.query('CREATE INDEX comments_episode_top_idx ON comments (episode_id, created_at, id) WHERE parent_id IS NULL');
    await runner.query('CREATE INDEX comments_replies_idx ON comments (parent_id, created_at, id) WHERE parent_id IS NOT NULL');

    // counted_at is when this listener's play last counted; full precision, compared with now()
    await runner.query(`
      CREATE TABLE play_progress (
        user_id uuid NOT NULL,
        episode_id uuid NOT NULL,
        position_seconds integer NOT NULL CHECK (position_seconds BETWEEN 0 AND 86400),
        completed boolean NOT NULL,
        updated_at timestamptz(3) NOT NULL DEFAULT now(),
        counted_at timestamptz NOT NULL DEFAULT now(),
        PRIMARY KEY (user_id, episode_id)
      )`);
    await runner.query('CREATE INDEX play_progress_recent_idx ON play_progress (user_id, updated_at DESC, episode_id DESC)');
    await runner.query(
      'CREATE INDEX play_progress_unfinished_idx ON play_progress (user_id, updated_at DESC, episode_id DESC) WHERE NOT completed',
    );

    await runner.query(`
      CREATE TABLE follows (
        user_id uuid NOT NULL,
        show_id uuid NOT NULL,
        created_at timestamptz(3) NOT NULL DEFAULT now(),
        PRIMARY KEY (user_id, show_id)
      )`);
    await runner.query('CREATE INDEX follows_user_newest_idx ON follows (user_id, created_at DESC, show_id DESC)');

    await runner.query(`
      CREATE TABLE playlists (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        owner_id uuid NOT NULL,
        name text NOT NULL CHECK (char_length(name) BETWEEN 1 AND 100),
        is_public boolean NOT NULL DEFAULT false,
        created_at timestamptz(3) NOT NULL DEFAULT now(),
        updated_at timestamptz(3) NOT NULL DEFAULT now()
      )`);
    await runner.query('CREATE INDEX playlists_owner_newest_idx ON playlists (owner_id, created_at DESC, id DESC)');
    // deferred: a reorder rewrites every position in one statement and is only unique at the end
    await runner.query(`
      CREATE TABLE playlist_items (
        playlist_id uuid NOT NULL REFERENCES playlists (id) ON DELETE CASCADE,
        episode_id uuid NOT NULL,
        position integer NOT NULL CHECK (position >= 0),
        added_at timestamptz(3) NOT NULL DEFAULT now(),
        PRIMARY KEY (playlist_id, episode_id),
        CONSTRAINT playlist_items_position_key UNIQUE (playlist_id, position) DEFERRABLE INITIALLY DEFERRED
      )`);

    await createOutboxTable(runner);
    await createInboxTable(runner);
  }

  async down(runner: QueryRunner): Promise<void> {
    await dropInboxTable(runner);
    await dropOutboxTable(runner);
    for (const table of ['playlist_items', 'playlists', 'follows', 'play_progress', 'comments', 'likes', 'show_stats', 'episode_stats', 'known_episodes', 'known_shows']) {
      await runner.query(`DROP TABLE ${table}`);
    }
  }
}
