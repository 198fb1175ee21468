import type { MigrationInterface, QueryRunner } from 'typeorm';

/** Catalog's private feed tokens (their SHA-256), so the stable URLs of PREMIUM episodes let a private feed's downloads through. */
export class PrivateFeedGrants1766850000001 implements MigrationInterface {
  name = 'PrivateFeedGrants1766850000001';

  async up(runner: QueryRunner): Promise<void> {
    await runner.query(`
      CREATE TABLE private_feed_grants (
        feed_id uuid PRIMARY KEY,
        show_id uuid NOT NULL,
        listener_id uuid NOT NULL,
        token_hash text NOT NULL UNIQUE,
        revoked boolean NOT NULL DEFAULT false
      )`);
  }

  async down(runner: QueryRunner): Promise<void> {
    await runner.query('DROP TABLE private_feed_grants');
  }
}
