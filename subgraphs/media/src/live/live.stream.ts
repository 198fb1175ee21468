import { type Viewer, canManage } from '@wavegraph/auth';
import { forbidden, isVisible, requireUuid, unauthenticated, withEventLoaders, type Context } from '@wavegraph/kit';
import type { MediaAsset } from '../asset/asset.entity';
import { MediaStatus } from '../asset/asset.enums';
import { visibleTo } from '../asset/asset.queries';
import { assetNotFound } from '../common/errors';
import { episodeVisibility } from '../episode/episode.visibility';
import { isFinal, mediaProcessingTopic, type ProcessingMessage } from '../processing/progress';
import type { MediaContext } from '../services';
import { startThenUntil } from './live.follow';

/** What the subscription yields: the asset as read at subscribe time, then what was published about it. */
export type LiveEvent = { current: MediaAsset } | ProcessingMessage;

/** Nothing more will be published about an asset in these states (a retry makes a new run, to follow anew). */
export const ENDED = new Set<MediaStatus>([MediaStatus.READY, MediaStatus.FAILED, MediaStatus.DELETED]);

/** Only the asset's owner and staff follow its processing; others learn nothing they could not query. */
function authorize(viewer: Viewer | null, asset: MediaAsset | null): asserts asset is MediaAsset {
  if (!asset) throw assetNotFound();
  if (canManage(viewer, asset.ownerId)) return;
  // an asset that is not READY is invisible to others, as in mediaAsset(id)
  if (!visibleTo(viewer, asset)) throw assetNotFound();
  throw forbidden("Only the asset's owner, editors and admins follow its processing");
}

/**
 * Listens first, then reads the asset, so nothing published in between is missed; yields the
 * asset as it is, then every message about it, and ends after the final one (at once if the asset
 * had already ended). Every refusal is thrown here, before anything is yielded, and listens to nothing.
 */
export async function mediaProcessingStream(ctx: MediaContext, assetIdArg: string): Promise<AsyncIterableIterator<unknown>> {
  if (!ctx.viewer) throw unauthenticated();
  const assetId = requireUuid('assetId', assetIdArg);
  const messages = (await ctx.pubSub.subscribe(mediaProcessingTopic(assetId))) as AsyncIterableIterator<LiveEvent>;
  let asset: MediaAsset | null;
  try {
    asset = await ctx.services.assetQueries.repo.findOneBy({ id: assetId });
    // an asset of an episode the viewer may not see does not exist for them (not FORBIDDEN: that would tell)
    if (asset && !canManage(ctx.viewer, asset.ownerId) && !(await isVisible(ctx, episodeVisibility, asset.episodeId))) throw assetNotFound();
    authorize(ctx.viewer, asset);
  } catch (error) {
    await messages.return?.();
    throw error;
  }
  const events = startThenUntil<LiveEvent>({ current: asset }, ENDED.has(asset.status), messages, (event) => !('current' in event) && isFinal(event));
  return withEventLoaders(events, ctx as Context<unknown>);
}
