import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Who created each upload: quotas count a user's own uploads, and staff uploading for a creator
 * are the uploader, not the episode's owner. Uploads from before this were the owner's (only
 * owners had reasons to upload), so they are attributed to the owner.
 */
export class UploadQuotas1764600000000 implements MigrationInterface {
  name = 'UploadQuotas1764600000000';

  async up(runner: QueryRunner): Promise<void> {
    await runner.query('ALTER TABLE uploads ADD COLUMN uploader_id uuid');
    await runner.query('UPDATE uploads SET uploader_id = owner_id');
    await runner.query('ALTER TABLE uploads ALTER COLUMN uploader_id SET NOT NULL');
    // the quota check reads only a user's pending and completed uploads
    await runner.query("CREATE INDEX uploads_uploader_quota_idx ON uploads (uploader_id) WHERE status IN ('PENDING', 'COMPLETED')");
  }

  async down(runner: QueryRunner): Promise<void> {
    await runner.query('DROP INDEX uploads_uploader_quota_idx');
    await runner.query('ALTER TABLE uploads DROP COLUMN uploader_id');
  }
}
