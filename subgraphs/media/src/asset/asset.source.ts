import type { EntityManager } from 'typeorm';
import { sourceKey } from './asset.outputs';

/**
 * The one way a source enters the pipeline, shared by a finished upload and a finished recording:
 * its bytes are in storage under sourceKey(assetId); inside the caller's transaction (with its
 * own event) the asset becomes PROCESSING with the source's facts. After the commit the caller
 * hands the asset to startProcessing (asset.starting.ts).
 */
export async function markSourceStored(tx: EntityManager, assetId: string, source: { sha256: string; size: number }): Promise<void> {
  await tx.query(
    `UPDATE media_assets SET status = 'PROCESSING', source_key = $2, source_sha256 = $3, source_size = $4, updated_at = now() WHERE id = $1`,
    [assetId, sourceKey(assetId), source.sha256, source.size],
  );
}
