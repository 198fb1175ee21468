import { addOutboxLog, createOutboxTable, dropOutboxLog, dropOutboxTable } from '@wavegraph/events';
import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Feed sources (one per owner and feed URL, with what conditional GET needs), the jobs that
 * import them, and the guid → episode map that dedupes items across polls (catalog knows
 * nothing of feeds). The outbox is the durable log of ingest's events.
 */
export class CreateIngest1766700000000 implements MigrationInterface {
  name = 'CreateIngest1766700000000';

  async up(runner: QueryRunner): Promise<void> {
    await runner.query(`
      CREATE TABLE feed_sources (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        owner_id uuid NOT NULL,
        owner_role text NOT NULL,
        owner_plan text NOT NULL,
        feed_url text NOT NULL,
        show_id uuid,
        show_hash text,
        etag text,
        last_modified text,
        poll_interval_minutes integer,
        polling boolean NOT NULL DEFAULT true,
        next_poll_at timestamptz(3),
        created_at timestamptz(3) NOT NULL DEFAULT now(),
        updated_at timestamptz(3) NOT NULL DEFAULT now()
      )`);
    await runner.query('CREATE UNIQUE INDEX feed_sources_owner_url_idx ON feed_sources (owner_id, feed_url)');
    await runner.query(`
      CREATE TABLE ingest_jobs (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        source_id uuid NOT NULL REFERENCES feed_sources (id) ON DELETE CASCADE,
        owner_id uuid NOT NULL,
        feed_url text NOT NULL,
        status text NOT NULL,
        show_id uuid,
        found integer NOT NULL DEFAULT 0,
        created integer NOT NULL DEFAULT 0,
        updated integer NOT NULL DEFAULT 0,
        skipped integer NOT NULL DEFAULT 0,
        failed integer NOT NULL DEFAULT 0,
        progress double precision NOT NULL DEFAULT 0,
        reason text,
        http_status integer,
        item_errors jsonb NOT NULL DEFAULT '[]',
        created_at timestamptz(3) NOT NULL DEFAULT now(),
        started_at timestamptz(3),
        finished_at timestamptz(3)
      )`);
    await runner.query('CREATE INDEX ingest_jobs_owner_idx ON ingest_jobs (owner_id, created_at DESC, id DESC)');
    await runner.query(`
      CREATE TABLE ingest_items (
        source_id uuid NOT NULL REFERENCES feed_sources (id) ON DELETE CASCADE,
        guid text NOT NULL,
        episode_id uuid NOT NULL,
        content_hash text NOT NULL,
        enclosure_url text,
        published boolean NOT NULL DEFAULT false,
        media_handed_off boolean NOT NULL DEFAULT false,
        media_job_id uuid,
        media_error text,
        pub_date timestamptz(3),
        updated_at timestamptz(3) NOT NULL DEFAULT now(),
        PRIMARY KEY (source_id, guid)
      )`);
    await createOutboxTable(runner);
    await addOutboxLog(runner);
  }

  async down(runner: QueryRunner): Promise<void> {
    await dropOutboxLog(runner);
    await dropOutboxTable(runner);
    await runner.query('DROP TABLE IF EXISTS ingest_items');
    await runner.query('DROP TABLE IF EXISTS ingest_jobs');
    await runner.query('DROP TABLE IF EXISTS feed_sources');
  }
}
