import { MediaFailed, MediaReady, recordEvent } from '@wavegraph/events';
import type { DataSource } from 'typeorm';
import { renditionFacts } from '../asset/asset.outputs';
import type { JobName } from './processing.jobs';
import { STEPS } from './processing.port';
import { isCurrentRun, loadAsset, loadSteps } from './processing.store';
import type { ProgressMessage } from './progress';

/** The longest failure reason kept; ffmpeg can be verbose and the reason is shown to creators. */
const MAX_REASON = 1000;

/**
 * The reason as creators may read it: server paths (temp dirs, storage roots) reduced to their
 * last part, and bounded in length.
 */
export function publicReason(reason: string): string {
  const text = reason.replace(/(^|[\s'"(=])\/(?:[^\s'"():/]+\/)+([^\s'"():/]*)/g, '$1…/$2');
  return text.length > MAX_REASON ? `${text.slice(0, MAX_REASON - 1)}…` : text;
}

export type FinalizeResult = 'ready' | 'already-ready' | 'stale-run';

/**
 * The asset becomes READY and `MediaReady` is recorded, in one transaction. Idempotent: a
 * repeated finalize (a retried or re-added job) finds the asset READY and records nothing.
 */
export async function finalizeAsset(dataSource: DataSource, assetId: string, run: number): Promise<FinalizeResult> {
  return dataSource.transaction(async (tx) => {
    const asset = await loadAsset(tx, assetId, true);
    if (!isCurrentRun(asset, run)) return 'stale-run';
    if (asset.status === 'READY') return 'already-ready';
    const steps = await loadSteps(tx, assetId);
    const unfinished = STEPS.filter((step) => !steps.some((row) => row.step === step && (row.status === 'DONE' || row.status === 'SKIPPED')));
    // BullMQ only runs finalize after every step completed; anything else is a bug worth retrying loudly
    if (unfinished.length > 0) throw new Error(`cannot finalize ${assetId}: steps not done: ${unfinished.join(', ')}`);
    if (asset.duration_seconds === null || asset.integrated_lufs === null || asset.true_peak_dbtp === null) {
      throw new Error(`cannot finalize ${assetId}: probe or loudness results missing`);
    }
    await tx.query("UPDATE media_assets SET status = 'READY', ready_at = now(), failed_step = NULL, failure_reason = NULL, updated_at = now() WHERE id = $1", [assetId]);
    await recordEvent(tx, MediaReady, assetId, {
      assetId,
      episodeId: asset.episode_id,
      ownerId: asset.owner_id,
      durationSeconds: asset.duration_seconds,
      hasVideo: asset.has_video ?? false,
      integratedLufs: asset.integrated_lufs,
      truePeakDbtp: asset.true_peak_dbtp,
      renditions: renditionFacts(asset.outputs.renditions ?? []),
    });
    return 'ready';
  });
}

/**
 * Processing gave up on a step: step and asset FAILED with the reason, `MediaFailed`
 * recorded, in one transaction. Returns false (and records nothing) when the asset already
 * failed, finished, or moved on to another run — so the processor and the fallback listener
 * may both call it.
 */
export async function failAsset(dataSource: DataSource, assetId: string, run: number, step: string, reason: string): Promise<boolean> {
  const shortReason = publicReason(reason);
  return dataSource.transaction(async (tx) => {
    const asset = await loadAsset(tx, assetId, true);
    if (!isCurrentRun(asset, run) || asset.status === 'READY') return false;
    await tx.query(
      "UPDATE media_steps SET status = 'FAILED', reason = $3, finished_at = now() WHERE asset_id = $1 AND step = $2",
      [assetId, step, shortReason],
    );
    await tx.query(
      "UPDATE media_assets SET status = 'FAILED', failed_step = $2, failure_reason = $3, updated_at = now() WHERE id = $1",
      [assetId, step, shortReason],
    );
    await recordEvent(tx, MediaFailed, assetId, { assetId, episodeId: asset.episode_id, ownerId: asset.owner_id, step, reason: shortReason });
    return true;
  });
}

/** What subscribers hear once failAsset recorded the failure: the step and the reason it stored. */
export const failedMessage = (assetId: string, step: JobName, reason: string): ProgressMessage => ({
  assetId,
  step,
  progress: 0,
  status: 'FAILED',
  reason: publicReason(reason),
});
