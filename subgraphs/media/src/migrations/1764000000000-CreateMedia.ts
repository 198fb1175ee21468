import { createInboxTable, createOutboxTable, dropInboxTable, dropOutboxTable } from '@wavegraph/events';
import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Uploads, assets and their processing steps; the episodes media may attach to, as catalog
 * describes them in its events; the outbox and inbox of the event backbone.
 */
export class CreateMedia1764000000000 implements MigrationInterface {
  name = 'CreateMedia1764000000000';

  async up(runner: QueryRunner): Promise<void> {
    await runner.query(`
      CREATE TABLE known_episodes (
        episode_id uuid PRIMARY KEY,
        show_id uuid NOT NULL,
        owner_id uuid NOT NULL,
        status text NOT NULL,
        position bigint NOT NULL
      )`);
    await runner.query(`
      CREATE TABLE media_assets (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        episode_id uuid NOT NULL,
        owner_id uuid NOT NULL,
        status text NOT NULL DEFAULT 'AWAITING_UPLOAD'
          CHECK (status IN ('AWAITING_UPLOAD', 'PROCESSING', 'READY', 'FAILED', 'DELETED')),
        source_key text,
        source_sha256 text,
        source_size bigint,
        mime_type text NOT NULL,
        duration_seconds double precision,
        codec text,
        channels integer,
        sample_rate integer,
        has_video boolean,
        input_lufs double precision,
        integrated_lufs double precision,
        true_peak_dbtp double precision,
        outputs jsonb NOT NULL DEFAULT '{}',
        failed_step text,
        failure_reason text,
        run integer NOT NULL DEFAULT 0,
        created_at timestamptz(3) NOT NULL DEFAULT now(),
        updated_at timestamptz(3) NOT NULL DEFAULT now(),
        ready_at timestamptz(3)
      )`);
    await runner.query('CREATE INDEX media_assets_episode_idx ON media_assets (episode_id, created_at DESC)');
    await runner.query("CREATE INDEX media_assets_failed_idx ON media_assets (updated_at DESC) WHERE status = 'FAILED'");
    await runner.query(`
      CREATE TABLE media_steps (
        asset_id uuid NOT NULL REFERENCES media_assets (id) ON DELETE CASCADE,
        step text NOT NULL,
        status text NOT NULL DEFAULT 'PENDING' CHECK (status IN ('PENDING', 'RUNNING', 'DONE', 'FAILED', 'SKIPPED')),
        progress integer NOT NULL DEFAULT 0 CHECK (progress BETWEEN 0 AND 100),
        attempts integer NOT NULL DEFAULT 0,
        reason text,
        started_at timestamptz(3),
        finished_at timestamptz(3),
        PRIMARY KEY (asset_id, step)
      )`);
    await runner.query(`
      CREATE TABLE uploads (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        asset_id uuid NOT NULL REFERENCES media_assets (id) ON DELETE CASCADE,
        episode_id uuid NOT NULL,
        owner_id uuid NOT NULL,
        filename text NOT NULL,
        mime_type text NOT NULL,
        size_bytes bigint NOT NULL CHECK (size_bytes > 0),
        expected_sha256 text,
        status text NOT NULL DEFAULT 'PENDING' CHECK (status IN ('PENDING', 'COMPLETED', 'REJECTED', 'EXPIRED')),
        sha256 text,
        rejection_reason text,
        created_at timestamptz(3) NOT NULL DEFAULT now(),
        expires_at timestamptz(3) NOT NULL,
        completed_at timestamptz(3)
      )`);
    await runner.query("CREATE INDEX uploads_pending_expiry_idx ON uploads (expires_at) WHERE status = 'PENDING'");
    await createOutboxTable(runner);
    await createInboxTable(runner);
  }

  async down(runner: QueryRunner): Promise<void> {
    await dropInboxTable(runner);
    await dropOutboxTable(runner);
    await runner.query('DROP TABLE uploads');
    await runner.query('DROP TABLE media_steps');
    await runner.query('DROP TABLE media_assets');
    await runner.query('DROP TABLE known_episodes');
  }
}
