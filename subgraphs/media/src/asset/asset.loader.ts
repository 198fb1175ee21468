import { byKeys, groupByKeys } from '@wavegraph/kit';
import type { MediaContext } from '../services';
import type { MediaAsset } from './asset.entity';
import { visibleTo } from './asset.queries';
import { MediaStatus } from './asset.enums';
import { inFlowOrder, overallProgress, type MediaStepRow } from './step.entity';

/** Asset references from other subgraphs: one query per request, and only what the viewer may see. */
export async function resolveAssetReferences(ids: readonly string[], ctx: MediaContext): Promise<(MediaAsset | null)[]> {
  const keys = ids.map((id) => id.toLowerCase());
  const rows = await ctx.services.assetQueries.findByIds(keys);
  return byKeys(keys, rows, (asset) => asset.id).map((asset) => (asset && visibleTo(ctx.viewer, asset) ? asset : null));
}

/** An asset by id (e.g. Upload.asset), batched; the caller decides what the viewer may see. */
export function loadAsset(ctx: MediaContext, id: string): Promise<MediaAsset | null> {
  return ctx.loaders
    .get<string, MediaAsset | null>('asset:byId', async (ids) => byKeys(ids, await ctx.services.assetQueries.findByIds(ids), (asset) => asset.id))
    .load(id);
}

/** The steps of every asset in the response, one query. */
export async function loadSteps(ctx: MediaContext, assetId: string): Promise<MediaStepRow[]> {
  const steps = await ctx.loaders
    .get<string, MediaStepRow[]>('asset:steps', async (ids) => groupByKeys(ids, await ctx.services.assetQueries.stepsOf(ids), (step) => step.assetId))
    .load(assetId);
  return inFlowOrder(steps);
}

/** Episode.media for every episode in the response, one query. */
export function loadEpisodeMedia(ctx: MediaContext, episodeId: string): Promise<MediaAsset | null> {
  return ctx.loaders
    .get<string, MediaAsset | null>('episode:media', async (ids) =>
      byKeys(ids, await ctx.services.assetQueries.newestForEpisodes(ids, ctx.viewer), (asset) => asset.episodeId),
    )
    .load(episodeId.toLowerCase());
}

/** Overall progress 0–100 from the steps, batched like them. */
export async function loadProgress(ctx: MediaContext, asset: MediaAsset): Promise<number> {
  return asset.status === MediaStatus.READY ? 100 : overallProgress(asset.status, await loadSteps(ctx, asset.id));
}

/** The newest READY media of every episode in the response (what listeners get, whoever asks), one query. */
export function loadEpisodeReadyMedia(ctx: MediaContext, episodeId: string): Promise<MediaAsset | null> {
  return ctx.loaders
    .get<string, MediaAsset | null>('episode:readyMedia', async (ids) =>
      // no viewer: READY assets only
      byKeys(ids, await ctx.services.assetQueries.newestForEpisodes(ids, null), (asset) => asset.episodeId),
    )
    .load(episodeId.toLowerCase());
}
