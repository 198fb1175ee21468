import type { MigrationInterface, QueryRunner } from 'typeorm';

/*
 * Episodes' transcripts, from media's TranscriptPublished: one row per episode with the highest
 * revision seen (kept when the transcript is removed, so an older event cannot bring it back),
 * and its timed segments. `search` is the whole text with weight C (title is A, description B);
 * each segment has its own vector to say where in the episode the words were spoken.
 * Like every projection here, both tables can be dropped and rebuilt by replay.
 */
export class Transcripts1766100000000 implements MigrationInterface {
  name = 'Transcripts1766100000000';

  async up(runner: QueryRunner): Promise<void> {
    await runner.query(`
      CREATE TABLE episode_transcripts (
        episode_id uuid PRIMARY KEY,
        revision integer NOT NULL,
        language text NOT NULL,
        engine text NOT NULL,
        segment_count integer NOT NULL,
        search tsvector NOT NULL,
        updated_at timestamptz(3) NOT NULL
      )`);
    await runner.query('CREATE INDEX episode_transcripts_search_idx ON episode_transcripts USING gin (search) WHERE segment_count > 0');

    // seq is the segment's place in the event; a search reads the segments of a page's episodes only
    await runner.query(`
      CREATE TABLE transcript_segments (
        episode_id uuid NOT NULL,
        seq integer NOT NULL,
        start_seconds float8 NOT NULL,
        end_seconds float8 NOT NULL,
        text text NOT NULL,
        search tsvector GENERATED ALWAYS AS (to_tsvector('simple', text)) STORED,
        PRIMARY KEY (episode_id, seq)
      )`);
  }

  async down(runner: QueryRunner): Promise<void> {
    await runner.query('DROP TABLE transcript_segments');
    await runner.query('DROP TABLE episode_transcripts');
  }
}
