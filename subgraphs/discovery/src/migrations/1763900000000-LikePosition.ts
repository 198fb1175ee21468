import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The position of the last like or unlike applied per listener and episode: a like and an
 * unlike of the same pair may arrive in either order, and only the later one must count.
 */
export class LikePosition1763900000000 implements MigrationInterface {
  name = 'LikePosition1763900000000';

  async up(runner: QueryRunner): Promise<void> {
    await runner.query('ALTER TABLE listener_affinity ADD COLUMN like_position bigint NOT NULL DEFAULT 0');
  }

  async down(runner: QueryRunner): Promise<void> {
    await runner.query('ALTER TABLE listener_affinity DROP COLUMN like_position');
  }
}
