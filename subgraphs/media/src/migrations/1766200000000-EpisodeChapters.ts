import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Chapters of an episode, replaced as a whole: one row per episode holding the ordered list,
 * so a replacement is a single-row write. `revision` grows with every replacement; renditions
 * record the revision they carry as chapter marks (outputs.chaptersRevision).
 */
export class EpisodeChapters1766200000000 implements MigrationInterface {
  name = 'EpisodeChapters1766200000000';

  async up(runner: QueryRunner): Promise<void> {
    await runner.query(`
      CREATE TABLE episode_chapters (
        episode_id uuid PRIMARY KEY,
        revision integer NOT NULL CHECK (revision > 0),
        chapters jsonb NOT NULL CHECK (jsonb_typeof(chapters) = 'array'),
        updated_by uuid NOT NULL,
        updated_at timestamptz(3) NOT NULL DEFAULT now()
      )`);
  }

  async down(runner: QueryRunner): Promise<void> {
    await runner.query('DROP TABLE episode_chapters');
  }
}
