import type { MigrationInterface, QueryRunner } from 'typeorm';

/*
 * NEW_EPISODE combines engagement's follows with catalog's publications, which reach us in any
 * order. Both sides are kept as facts with the time they happened, so whichever arrives second
 * completes the rule (see packages/events/ORDERING.md):
 * - show_follow_events: every follow and unfollow (engagement's position orders one pair);
 * - episode_publications: every EpisodePublished (its occurredAt is when it became public).
 * show_followers becomes a view of the newest fact per pair, so readers of it are unchanged.
 * Follows applied before this migration keep their state with an unknown time ('-infinity'):
 * they count as before every publication still to come.
 */
export class FollowsAndPublications1765100000000 implements MigrationInterface {
  name = 'FollowsAndPublications1765100000000';

  async up(runner: QueryRunner): Promise<void> {
    await runner.query(`
      CREATE TABLE show_follow_events (
        show_id uuid NOT NULL,
        user_id uuid NOT NULL,
        position bigint NOT NULL,
        following boolean NOT NULL,
        occurred_at timestamptz(3) NOT NULL,
        PRIMARY KEY (show_id, user_id, position)
      )`);
    await runner.query(
      `INSERT INTO show_follow_events (show_id, user_id, position, following, occurred_at)
       SELECT show_id, user_id, position, following, '-infinity' FROM show_followers`,
    );
    await runner.query('DROP TABLE show_followers');
    await runner.query(`
      CREATE VIEW show_followers AS
      SELECT DISTINCT ON (show_id, user_id) show_id, user_id, following, position
      FROM show_follow_events ORDER BY show_id, user_id, position DESC`);
    await runner.query(`
      CREATE TABLE episode_publications (
        event_id uuid PRIMARY KEY,
        episode_id uuid NOT NULL,
        show_id uuid NOT NULL,
        owner_id uuid NOT NULL,
        title text NOT NULL,
        published_at timestamptz(3) NOT NULL
      )`);
    await runner.query('CREATE INDEX episode_publications_show ON episode_publications (show_id, published_at)');
    await runner.query("CREATE INDEX notifications_new_episode ON notifications (user_id, show_id) WHERE kind = 'NEW_EPISODE'");
  }

  async down(runner: QueryRunner): Promise<void> {
    await runner.query('DROP INDEX notifications_new_episode');
    await runner.query('DROP TABLE episode_publications');
    await runner.query('DROP VIEW show_followers');
    await runner.query(`
      CREATE TABLE show_followers (
        show_id uuid NOT NULL,
        user_id uuid NOT NULL,
        following boolean NOT NULL,
        position bigint NOT NULL,
        PRIMARY KEY (show_id, user_id)
      )`);
    await runner.query(
      `INSERT INTO show_followers (show_id, user_id, following, position)
       SELECT DISTINCT ON (show_id, user_id) show_id, user_id, following, position
       FROM show_follow_events ORDER BY show_id, user_id, position DESC`,
    );
    await runner.query('CREATE INDEX show_followers_following ON show_followers (show_id) WHERE following');
    await runner.query('DROP TABLE show_follow_events');
  }
}
