import type { MigrationInterface, QueryRunner } from 'typeorm';

/*
 * When each word of a segment starts (`[{ "text", "startSeconds" }]`, from TranscriptPublished
 * where the engine timed them), so a search match points at the first matching word instead of
 * the start of its segment, which may be several seconds earlier. Null where the event carried
 * none: the match then starts with its segment.
 */
export class TranscriptWords1766150000000 implements MigrationInterface {
  name = 'TranscriptWords1766150000000';

  async up(runner: QueryRunner): Promise<void> {
    await runner.query('ALTER TABLE transcript_segments ADD COLUMN words jsonb');
  }

  async down(runner: QueryRunner): Promise<void> {
    await runner.query('ALTER TABLE transcript_segments DROP COLUMN words');
  }
}
