import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Transcripts: one per asset (the file it was made from), segments with their words, and per
 * episode the language its creator chose and the revision counter that TranscriptPublished
 * carries, which keeps growing across replaced media.
 */
export class Transcripts1766100000000 implements MigrationInterface {
  name = 'Transcripts1766100000000';

  async up(runner: QueryRunner): Promise<void> {
    await runner.query(`
      CREATE TABLE media_episode_transcripts (
        episode_id uuid PRIMARY KEY,
        language text,
        revision integer NOT NULL DEFAULT 0
      )`);
    await runner.query(`
      CREATE TABLE media_transcripts (
        asset_id uuid PRIMARY KEY REFERENCES media_assets (id) ON DELETE CASCADE,
        episode_id uuid NOT NULL,
        language text NOT NULL,
        engine text NOT NULL,
        status text NOT NULL CHECK (status IN ('PENDING', 'READY', 'FAILED', 'UNSUPPORTED')),
        reason text,
        revision integer NOT NULL,
        vtt_key text,
        srt_key text,
        json_key text,
        created_at timestamptz(3) NOT NULL DEFAULT now(),
        updated_at timestamptz(3) NOT NULL DEFAULT now()
      )`);
    await runner.query('CREATE INDEX media_transcripts_episode_idx ON media_transcripts (episode_id)');
    await runner.query(`
      CREATE TABLE media_transcript_segments (
        asset_id uuid NOT NULL REFERENCES media_transcripts (asset_id) ON DELETE CASCADE,
        position integer NOT NULL,
        start_seconds double precision NOT NULL,
        end_seconds double precision NOT NULL CHECK (end_seconds >= start_seconds),
        text text NOT NULL,
        speaker text,
        words jsonb NOT NULL DEFAULT '[]',
        PRIMARY KEY (asset_id, position)
      )`);
  }

  async down(runner: QueryRunner): Promise<void> {
    await runner.query('DROP TABLE media_transcript_segments');
    await runner.query('DROP TABLE media_transcripts');
    await runner.query('DROP TABLE media_episode_transcripts');
  }
}
