import { createInboxTable, dropInboxTable } from '@wavegraph/events';
import type { MigrationInterface, QueryRunner } from 'typeorm';

/*
 * Each user's inbox, and who follows which show (learned from engagement's events) so a new
 * episode reaches every follower. A notification is unique per user and `dedupe_key`: whatever
 * is delivered twice, replayed or published again notifies once.
 */
export class CreateNotifications1764100000000 implements MigrationInterface {
  name = 'CreateNotifications1764100000000';

  async up(runner: QueryRunner): Promise<void> {
    await createInboxTable(runner);
    await runner.query(`
      CREATE TABLE notifications (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        user_id uuid NOT NULL,
        kind text NOT NULL CHECK (kind IN ('NEW_EPISODE', 'COMMENT_REPLY', 'MEDIA_READY', 'MEDIA_FAILED', 'WELCOME')),
        dedupe_key text NOT NULL,
        source_event_id uuid NOT NULL,
        message text NOT NULL,
        episode_id uuid,
        show_id uuid,
        comment_id uuid,
        actor_id uuid,
        asset_id uuid,
        created_at timestamptz(3) NOT NULL DEFAULT now(),
        read_at timestamptz(3),
        UNIQUE (user_id, dedupe_key)
      )`);
    await runner.query('CREATE INDEX notifications_inbox ON notifications (user_id, created_at DESC, id DESC)');
    await runner.query('CREATE INDEX notifications_unread ON notifications (user_id) WHERE read_at IS NULL');
    await runner.query('CREATE INDEX notifications_source ON notifications (source_event_id)');
    // `position` of the last follow/unfollow applied: a late, older event never undoes a newer one
    await runner.query(`
      CREATE TABLE show_followers (
        show_id uuid NOT NULL,
        user_id uuid NOT NULL,
        following boolean NOT NULL,
        position bigint NOT NULL,
        PRIMARY KEY (show_id, user_id)
      )`);
    await runner.query('CREATE INDEX show_followers_following ON show_followers (show_id) WHERE following');
  }

  async down(runner: QueryRunner): Promise<void> {
    await runner.query('DROP TABLE show_followers');
    await runner.query('DROP TABLE notifications');
    await dropInboxTable(runner);
  }
}
