import type { MigrationInterface, QueryRunner } from 'typeorm';

/** A video source's picture as probing reads it: display width and height, frames per second. */
export class VideoPicture1766000000000 implements MigrationInterface {
  name = 'VideoPicture1766000000000';

  async up(runner: QueryRunner): Promise<void> {
    await runner.query(`
      ALTER TABLE media_assets
        ADD COLUMN width integer CHECK (width > 0),
        ADD COLUMN height integer CHECK (height > 0),
        ADD COLUMN frame_rate double precision CHECK (frame_rate > 0)`);
  }

  async down(runner: QueryRunner): Promise<void> {
    await runner.query('ALTER TABLE media_assets DROP COLUMN width, DROP COLUMN height, DROP COLUMN frame_rate');
  }
}
