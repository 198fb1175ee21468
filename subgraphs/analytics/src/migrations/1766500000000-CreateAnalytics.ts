import { createInboxTable, createPositionTables, dropInboxTable, dropPositionTables } from '@wavegraph/events';
import type { MigrationInterface, QueryRunner } from 'typeorm';

/*
 * Analytics' Postgres side: the inbox and log positions of its consumer; catalog's shows and
 * episodes (owner, status) and media's durations as their events describe them; the state the
 * counting rules keep between events (open listening sessions, 24-hour download windows); and
 * the rows waiting to be written to ClickHouse, in the same transaction as the inbox row, so an
 * event applied here reaches ClickHouse even if the process dies before the next flush.
 */
export class CreateAnalytics1766500000000 implements MigrationInterface {
  name = 'CreateAnalytics1766500000000';

  async up(runner: QueryRunner): Promise<void> {
    await createInboxTable(runner);
    await createPositionTables(runner);
    await runner.query(`
      CREATE TABLE known_episodes (
        episode_id uuid PRIMARY KEY,
        show_id uuid NOT NULL,
        owner_id uuid NOT NULL,
        status text NOT NULL,
        position bigint NOT NULL
      )`);
    await runner.query('CREATE INDEX known_episodes_show ON known_episodes (show_id)');
    await runner.query(`
      CREATE TABLE known_shows (
        show_id uuid PRIMARY KEY,
        owner_id uuid NOT NULL,
        position bigint NOT NULL
      )`);
    await runner.query(`
      CREATE TABLE episode_durations (
        episode_id uuid PRIMARY KEY,
        duration_seconds double precision NOT NULL,
        position bigint NOT NULL
      )`);
    await runner.query(`
      CREATE TABLE listening_sessions (
        listener_id uuid NOT NULL,
        episode_id uuid NOT NULL,
        session_id uuid NOT NULL,
        session_day date NOT NULL,
        last_at timestamptz(3) NOT NULL,
        last_position integer NOT NULL,
        PRIMARY KEY (listener_id, episode_id)
      )`);
    await runner.query(`
      CREATE TABLE download_windows (
        episode_id uuid NOT NULL,
        listener_key text NOT NULL,
        window_start timestamptz(3) NOT NULL,
        PRIMARY KEY (episode_id, listener_key)
      )`);
    await runner.query(`
      CREATE TABLE analytics_pending (
        seq bigserial PRIMARY KEY,
        kind text NOT NULL CHECK (kind IN ('play', 'download')),
        row jsonb NOT NULL,
        attempts integer NOT NULL DEFAULT 0,
        claimed_until timestamptz(3)
      )`);
  }

  async down(runner: QueryRunner): Promise<void> {
    for (const table of ['analytics_pending', 'download_windows', 'listening_sessions', 'episode_durations', 'known_shows', 'known_episodes']) {
      await runner.query(`DROP TABLE IF EXISTS ${table}`);
    }
    await dropPositionTables(runner);
    await dropInboxTable(runner);
  }
}
