import { modifyReturning } from '@wavegraph/kit';
import type { DataSource, EntityManager } from 'typeorm';

/**
 * Prepares a new run of an asset's processing (call `ProcessingStarter.start` after it commits):
 * the run number moves on, so jobs of the old run stop mattering and new job ids are free.
 * - `failed`: a retry after a failure; steps already DONE stay done and are skipped.
 * - `all`: the source was replaced; every step runs again.
 * Returns the new run, or null when there is no such asset (or it was deleted).
 */
export async function prepareRerun(db: DataSource | EntityManager, assetId: string, redo: 'failed' | 'all'): Promise<number | null> {
  const [updated] = await modifyReturning<{ run: number }>(
    db,
    `UPDATE media_assets
        SET run = run + 1, status = 'PROCESSING', failed_step = NULL, failure_reason = NULL, ready_at = NULL, updated_at = now()
      WHERE id = $1 AND status <> 'DELETED'
      RETURNING run`,
    [assetId],
  );
  if (!updated) return null;
  await db.query(
    `UPDATE media_steps SET status = 'PENDING', progress = 0, reason = NULL, started_at = NULL, finished_at = NULL
      WHERE asset_id = $1 AND ($2 OR status IN ('FAILED', 'RUNNING', 'PENDING'))`,
    [assetId, redo === 'all'],
  );
  if (redo === 'all') await db.query("UPDATE media_assets SET outputs = '{}' WHERE id = $1", [assetId]);
  return updated.run;
}
