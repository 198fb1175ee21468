import { createInboxTable, dropInboxTable } from '@wavegraph/events';
import type { MigrationInterface, QueryRunner } from 'typeorm';

/*
 * Discovery's read model: every table here is a projection of catalog and engagement events,
 * so it can be dropped and rebuilt by replay at any time.
 *
 * Text search uses the 'simple' configuration: the catalog is multilingual and episodes do not
 * carry a language of their own, so language-specific stemming would mangle most non-English
 * titles. Prefix matching (`:*`) and trigram similarity give back most of what stemming would.
 */
export class CreateDiscovery1763800000000 implements MigrationInterface {
  name = 'CreateDiscovery1763800000000';

  async up(runner: QueryRunner): Promise<void> {
    await runner.query('CREATE EXTENSION IF NOT EXISTS pg_trgm');
    await createInboxTable(runner);

    // `position` is the producer's position of the snapshot stored: older snapshots never win
    await runner.query(`
      CREATE TABLE show_docs (
        show_id uuid PRIMARY KEY,
        title text NOT NULL,
        description text NOT NULL,
        category text NOT NULL,
        language text NOT NULL,
        position bigint NOT NULL,
        updated_at timestamptz(3) NOT NULL,
        search tsvector GENERATED ALWAYS AS (
          setweight(to_tsvector('simple', title), 'A') || setweight(to_tsvector('simple', description), 'B')
        ) STORED
      )`);
    await runner.query('CREATE INDEX show_docs_search_idx ON show_docs USING gin (search)');
    await runner.query('CREATE INDEX show_docs_title_trgm_idx ON show_docs USING gin (title gin_trgm_ops)');
    await runner.query('CREATE INDEX show_docs_category_idx ON show_docs (category, language)');

    // episodes keep their row after unpublish/archive: the stored position must outlive the status
    await runner.query(`
      CREATE TABLE episode_docs (
        episode_id uuid PRIMARY KEY,
        show_id uuid NOT NULL,
        title text NOT NULL,
        description text NOT NULL,
        status text NOT NULL,
        published_at timestamptz(3),
        position bigint NOT NULL,
        updated_at timestamptz(3) NOT NULL,
        search tsvector GENERATED ALWAYS AS (
          setweight(to_tsvector('simple', title), 'A') || setweight(to_tsvector('simple', description), 'B')
        ) STORED
      )`);
    await runner.query("CREATE INDEX episode_docs_search_idx ON episode_docs USING gin (search) WHERE status = 'PUBLISHED'");
    await runner.query("CREATE INDEX episode_docs_title_trgm_idx ON episode_docs USING gin (title gin_trgm_ops) WHERE status = 'PUBLISHED'");
    await runner.query(
      "CREATE INDEX episode_docs_newest_idx ON episode_docs (published_at DESC, episode_id DESC) WHERE status = 'PUBLISHED'",
    );
    await runner.query('CREATE INDEX episode_docs_show_idx ON episode_docs (show_id)');

    // hourly buckets keyed by the event's occurredAt, never now(): a replay rebuilds identical rows
    await runner.query(`
      CREATE TABLE episode_activity (
        episode_id uuid NOT NULL,
        bucket timestamptz NOT NULL,
        plays integer NOT NULL DEFAULT 0,
        likes integer NOT NULL DEFAULT 0,
        PRIMARY KEY (episode_id, bucket)
      )`);
    await runner.query('CREATE INDEX episode_activity_bucket_idx ON episode_activity (bucket)');

    // liked_at remembers when a standing like was made, so an unlike removes exactly that like
    await runner.query(`
      CREATE TABLE listener_affinity (
        user_id uuid NOT NULL,
        episode_id uuid NOT NULL,
        weight integer NOT NULL,
        liked_at timestamptz(3),
        PRIMARY KEY (user_id, episode_id)
      )`);
    await runner.query('CREATE INDEX listener_affinity_episode_idx ON listener_affinity (episode_id, user_id)');
  }

  async down(runner: QueryRunner): Promise<void> {
    await runner.query('DROP TABLE listener_affinity');
    await runner.query('DROP TABLE episode_activity');
    await runner.query('DROP TABLE episode_docs');
    await runner.query('DROP TABLE show_docs');
    await dropInboxTable(runner);
  }
}
