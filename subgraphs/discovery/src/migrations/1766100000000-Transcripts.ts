import type { MigrationInterface, QueryRunner } from 'typeorm';

/*
 * Episodes' transcripts, from media's TranscriptPublished: one row per episode with the highest
 * revision seen (kept when the transcript is removed, so an older event cannot bring it back),
 * and its timed segments. `search` is the whole text with weight C (title is A, description B);
 * each segment has its own vector to say where in the episode the words were spoken.
 * Like every projection here, both tables can be dropped and rebuilt by replay.
 *
 * A tsvector holds at most 1 MB. The first 200,000 characters (about four hours of speech) are
 * indexed with positions, so ts_rank_cd can rank them; the rest without (strip), which finds an
 * episode by any word of a realistic transcript of any length. Should even that overflow (a text
 * of hundreds of thousands of distinct words), only the first part is indexed (50,000
 * characters in the very worst case): the event is still applied, and every segment stored.
 */
export class Transcripts1766100000000 implements MigrationInterface {
  name = 'Transcripts1766100000000';

  async up(runner: QueryRunner): Promise<void> {
    await runner.query(`
      CREATE FUNCTION transcript_search_vector(body text) RETURNS tsvector
      LANGUAGE plpgsql IMMUTABLE STRICT AS $$
      BEGIN
        RETURN setweight(to_tsvector('simple', left(body, 200000)), 'C')
          || CASE WHEN length(body) > 200000 THEN strip(to_tsvector('simple', substr(body, 200001))) ELSE ''::tsvector END;
      EXCEPTION WHEN program_limit_exceeded THEN
        BEGIN
          RETURN setweight(to_tsvector('simple', left(body, 200000)), 'C');
        EXCEPTION WHEN program_limit_exceeded THEN
          RETURN setweight(to_tsvector('simple', left(body, 50000)), 'C');
        END;
      END
      $$`);
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
    await runner.query('DROP FUNCTION transcript_search_vector(text)');
  }
}
