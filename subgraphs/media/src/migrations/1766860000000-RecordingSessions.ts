import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Recording sessions: a browser's MediaRecorder sends numbered chunks, each stored whole before
 * it is acknowledged; a finished session's chunks are stitched into its asset's source.
 */
export class RecordingSessions1766860000000 implements MigrationInterface {
  name = 'RecordingSessions1766860000000';

  async up(runner: QueryRunner): Promise<void> {
    await runner.query(`
      CREATE TABLE recording_sessions (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        asset_id uuid NOT NULL REFERENCES media_assets (id),
        episode_id uuid NOT NULL,
        owner_id uuid NOT NULL,
        uploader_id uuid NOT NULL,
        uploader_plan text,
        mime_type text NOT NULL,
        status text NOT NULL DEFAULT 'RECORDING'
          CHECK (status IN ('RECORDING', 'FINISHING', 'FINISHED', 'FAILED', 'EXPIRED')),
        chunks_received integer NOT NULL DEFAULT 0,
        bytes_received bigint NOT NULL DEFAULT 0,
        highest_sequence integer,
        last_sequence integer,
        failure_reason text,
        chunks_removed boolean NOT NULL DEFAULT false,
        created_at timestamptz(3) NOT NULL DEFAULT now(),
        expires_at timestamptz(3) NOT NULL,
        finished_at timestamptz(3)
      )`);
    await runner.query(`CREATE INDEX recording_sessions_open ON recording_sessions (expires_at) WHERE status IN ('RECORDING', 'FINISHING')`);
    await runner.query(`CREATE INDEX recording_sessions_ended ON recording_sessions (id) WHERE status IN ('FINISHED', 'FAILED', 'EXPIRED') AND NOT chunks_removed`);
    await runner.query('CREATE INDEX recording_sessions_uploader ON recording_sessions (uploader_id)');
    await runner.query(`
      CREATE TABLE recording_chunks (
        session_id uuid NOT NULL REFERENCES recording_sessions (id) ON DELETE CASCADE,
        sequence integer NOT NULL CHECK (sequence >= 0),
        size_bytes integer NOT NULL,
        sha256 text NOT NULL,
        stored_at timestamptz(3) NOT NULL DEFAULT now(),
        PRIMARY KEY (session_id, sequence)
      )`);
  }

  async down(runner: QueryRunner): Promise<void> {
    await runner.query('DROP TABLE recording_chunks');
    await runner.query('DROP TABLE recording_sessions');
  }
}
