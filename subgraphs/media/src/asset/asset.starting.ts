import { modifyReturning } from '@wavegraph/kit';
import { MediaFailed, recordEvent } from '@wavegraph/events';
import type { Logger, SubgraphPubSub } from '@wavegraph/kit';
import type { DataSource } from 'typeorm';
import type { ProcessingStarter } from '../processing/processing.port';
import { announce } from '../processing/progress';

export const QUEUE_FAILURE = 'Processing could not be queued; retry it';

/**
 * Hands a committed PROCESSING asset to the pipeline. Our transaction has committed by then, so
 * if queueing fails the asset is marked FAILED (step 'queue') instead of staying PROCESSING with
 * nothing working on it; the owner sees why and can retry (and whoever follows it live, too).
 */
export async function startProcessing(
  dataSource: DataSource,
  starter: ProcessingStarter,
  pubSub: SubgraphPubSub,
  log: Logger,
  assetId: string,
): Promise<boolean> {
  try {
    await starter.start(assetId);
    return true;
  } catch (error) {
    log.error({ err: error, assetId }, 'could not queue processing');
    const failed = await dataSource.transaction(async (tx) => {
      const [asset] = await modifyReturning<{ episode_id: string; owner_id: string }>(
        tx,
        `UPDATE media_assets SET status = 'FAILED', failed_step = 'queue', failure_reason = $2, updated_at = now()
         WHERE id = $1 AND status = 'PROCESSING' RETURNING episode_id, owner_id`,
        [assetId, QUEUE_FAILURE],
      );
      if (asset) {
        await recordEvent(tx, MediaFailed, assetId, { assetId, episodeId: asset.episode_id, ownerId: asset.owner_id, step: 'queue', reason: QUEUE_FAILURE });
      }
      return asset !== undefined;
    });
    if (failed) await announce(pubSub, { assetId, step: 'queue', progress: 0, status: 'FAILED', reason: QUEUE_FAILURE });
    return false;
  }
}
