import type { MigrationInterface, QueryRunner } from 'typeorm';

const BEFORE = ['NEW_EPISODE', 'COMMENT_REPLY', 'MEDIA_READY', 'MEDIA_FAILED', 'WELCOME', 'PREMIUM_STARTED', 'PREMIUM_ENDED', 'PAYMENT_REFUNDED'];
const check = (kinds: string[]) => `CHECK (kind IN (${kinds.map((k) => `'${k}'`).join(', ')}))`;

/** A creator hears of comments on their episodes: NEW_COMMENT. */
export class NewCommentKind1766900000000 implements MigrationInterface {
  name = 'NewCommentKind1766900000000';

  async up(runner: QueryRunner): Promise<void> {
    await runner.query('ALTER TABLE notifications DROP CONSTRAINT notifications_kind_check');
    await runner.query(`ALTER TABLE notifications ADD CONSTRAINT notifications_kind_check ${check([...BEFORE, 'NEW_COMMENT'])}`);
  }

  async down(runner: QueryRunner): Promise<void> {
    await runner.query("DELETE FROM notifications WHERE kind = 'NEW_COMMENT'");
    await runner.query('ALTER TABLE notifications DROP CONSTRAINT notifications_kind_check');
    await runner.query(`ALTER TABLE notifications ADD CONSTRAINT notifications_kind_check ${check(BEFORE)}`);
  }
}
