import type { MigrationInterface, QueryRunner } from 'typeorm';

const BEFORE = ['NEW_EPISODE', 'COMMENT_REPLY', 'MEDIA_READY', 'MEDIA_FAILED', 'WELCOME'];
const BILLING = ['PREMIUM_STARTED', 'PREMIUM_ENDED', 'PAYMENT_REFUNDED'];
const check = (kinds: string[]) => `CHECK (kind IN (${kinds.map((k) => `'${k}'`).join(', ')}))`;

/** The Premium saga tells the user: plan started or ended, payment refunded. */
export class BillingKinds1766830200000 implements MigrationInterface {
  name = 'BillingKinds1766830200000';

  async up(runner: QueryRunner): Promise<void> {
    await runner.query('ALTER TABLE notifications DROP CONSTRAINT notifications_kind_check');
    await runner.query(`ALTER TABLE notifications ADD CONSTRAINT notifications_kind_check ${check([...BEFORE, ...BILLING])}`);
  }

  async down(runner: QueryRunner): Promise<void> {
    await runner.query(`DELETE FROM notifications WHERE kind IN (${BILLING.map((k) => `'${k}'`).join(', ')})`);
    await runner.query('ALTER TABLE notifications DROP CONSTRAINT notifications_kind_check');
    await runner.query(`ALTER TABLE notifications ADD CONSTRAINT notifications_kind_check ${check(BEFORE)}`);
  }
}
