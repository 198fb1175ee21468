import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The script an asset is synthesised from (createEpisodeAudioFromScript): the `synthesize` step
 * reads it, an asset without one came from an upload. Kept with the asset, so a retry of a failed
 * synthesis has its input.
 */
export class EpisodeScripts1766300000000 implements MigrationInterface {
  name = 'EpisodeScripts1766300000000';

  async up(runner: QueryRunner): Promise<void> {
    await runner.query(`
      CREATE TABLE media_scripts (
        asset_id uuid PRIMARY KEY REFERENCES media_assets (id) ON DELETE CASCADE,
        voice text NOT NULL,
        script text NOT NULL,
        created_by uuid NOT NULL,
        created_at timestamptz(3) NOT NULL DEFAULT now()
      )`);
  }

  async down(runner: QueryRunner): Promise<void> {
    await runner.query('DROP TABLE media_scripts');
  }
}
