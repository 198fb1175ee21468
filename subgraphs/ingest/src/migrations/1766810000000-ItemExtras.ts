import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * An item's transcript and chapters files: what the feed names now, what was handed to media
 * (URL and a hash of the content, so a re-poll sends nothing unchanged), the job waiting for the
 * hand-off, and the warnings it ended with. A job keeps the warnings of all its items.
 */
export class ItemExtras1766810000000 implements MigrationInterface {
  name = 'ItemExtras1766810000000';

  async up(runner: QueryRunner): Promise<void> {
    await runner.query(`
      ALTER TABLE ingest_items
        ADD COLUMN transcript_url text,
        ADD COLUMN transcript_type text,
        ADD COLUMN transcript_language text,
        ADD COLUMN transcript_sent text,
        ADD COLUMN transcript_hash text,
        ADD COLUMN chapters_url text,
        ADD COLUMN chapters_sent text,
        ADD COLUMN chapters_hash text,
        ADD COLUMN extras_job_id uuid,
        ADD COLUMN extras_ended boolean NOT NULL DEFAULT true,
        ADD COLUMN extras_warnings jsonb NOT NULL DEFAULT '{}'`);
    await runner.query('CREATE INDEX ingest_items_extras_job_idx ON ingest_items (extras_job_id) WHERE extras_job_id IS NOT NULL');
    await runner.query(`ALTER TABLE ingest_jobs ADD COLUMN item_warnings jsonb NOT NULL DEFAULT '[]'`);
  }

  async down(runner: QueryRunner): Promise<void> {
    await runner.query('ALTER TABLE ingest_jobs DROP COLUMN item_warnings');
    await runner.query('DROP INDEX IF EXISTS ingest_items_extras_job_idx');
    await runner.query(`
      ALTER TABLE ingest_items
        DROP COLUMN transcript_url, DROP COLUMN transcript_type, DROP COLUMN transcript_language, DROP COLUMN transcript_sent, DROP COLUMN transcript_hash,
        DROP COLUMN chapters_url, DROP COLUMN chapters_sent, DROP COLUMN chapters_hash,
        DROP COLUMN extras_job_id, DROP COLUMN extras_ended, DROP COLUMN extras_warnings`);
  }
}
