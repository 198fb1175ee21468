import { loadAsset, loadProgress } from '../asset/asset.loader';
import type { MediaAsset } from '../asset/asset.entity';
import { MediaStatus, MediaStepStatus } from '../asset/asset.enums';
import { FINALIZE } from '../processing/processing.jobs';
import type { ProcessingMessage } from '../processing/progress';
import type { MediaContext } from '../services';
import { ENDED, type LiveEvent } from './live.stream';
import type { MediaProcessingEvent } from './live.types';

/** The asset's status as of the message (the asset itself is read now and may be further along). */
function statusAfter(message: ProcessingMessage): MediaStatus {
  if ('deleted' in message) return MediaStatus.DELETED;
  if (message.status === 'FAILED') return MediaStatus.FAILED;
  return message.step === FINALIZE && message.status === 'DONE' ? MediaStatus.READY : MediaStatus.PROCESSING;
}

/** The first event: where the asset stands, including what failed if it did. */
async function currentState(ctx: MediaContext, asset: MediaAsset): Promise<MediaProcessingEvent> {
  const failed = asset.status === MediaStatus.FAILED;
  return {
    asset,
    status: asset.status,
    step: failed ? asset.failedStep : null,
    stepStatus: failed ? MediaStepStatus.FAILED : null,
    reason: failed ? asset.failureReason : null,
    progress: await loadProgress(ctx, asset),
    done: ENDED.has(asset.status),
  };
}

export async function toProcessingEvent(ctx: MediaContext, event: LiveEvent): Promise<MediaProcessingEvent> {
  if ('current' in event) return currentState(ctx, event.current);
  const asset = await loadAsset(ctx, event.assetId);
  // assets are never removed, only marked DELETED: a missing row is a broken database
  if (!asset) throw new Error(`asset ${event.assetId} vanished while followed`);
  const status = statusAfter(event);
  if ('deleted' in event) return { asset, status, step: null, stepStatus: null, reason: null, progress: await loadProgress(ctx, asset), done: true };
  return {
    asset,
    status,
    step: event.step,
    stepStatus: event.status as MediaStepStatus,
    reason: event.reason ?? null,
    progress: event.progress,
    done: ENDED.has(status),
  };
}
