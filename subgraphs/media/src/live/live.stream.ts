import type { Viewer } from '@wavegraph/auth';
import { forbidden, notFound, requireUuid, unauthenticated, withEventLoaders, type Context } from '@wavegraph/kit';
import { canManage } from '../common/policy';
import type { MediaAsset } from '../asset/asset.entity';
import { MediaStatus } from '../asset/asset.enums';
import { visibleTo } from '../asset/asset.queries';
import { isFinal, mediaProcessingTopic, type ProgressMessage } from '../processing/progress';
import type { MediaContext } from '../services';

/** What the subscription yields: the state at subscribe time, then the worker's progress messages. */
export type LiveProgress = { assetId: string; initial: true } | ProgressMessage;

const TERMINAL = new Set<MediaStatus>([MediaStatus.READY, MediaStatus.FAILED, MediaStatus.DELETED]);

/** Only the asset's owner and staff follow its processing; others learn nothing they could not query. */
function authorize(viewer: Viewer | null, asset: MediaAsset | null): asserts asset is MediaAsset {
  if (!asset) throw notFound('MediaAsset');
  if (canManage(viewer, asset.ownerId)) return;
  // a non-READY asset is invisible to others, as in mediaAsset(id)
  if (!visibleTo(viewer, asset)) throw notFound('MediaAsset');
  throw forbidden("Only the asset's owner, editors and admins follow its processing");
}

/**
 * Listens first, then reads the asset, so nothing published in between is missed; yields its
 * current state, then every progress message, and ends after the final one (at once if the
 * asset was already READY or FAILED).
 */
export async function mediaProcessingStream(ctx: MediaContext, assetIdArg: string): Promise<AsyncIterableIterator<unknown>> {
  if (!ctx.viewer) throw unauthenticated();
  const assetId = requireUuid('assetId', assetIdArg);
  const messages = await ctx.pubSub.subscribe(mediaProcessingTopic(assetId));
  let asset: MediaAsset | null;
  try {
    asset = await ctx.services.assetQueries.repo.findOneBy({ id: assetId });
    authorize(ctx.viewer, asset);
  } catch (error) {
    await messages.return?.();
    throw error;
  }
  const alreadyOver = TERMINAL.has(asset.status);
  async function* stream(): AsyncGenerator<unknown> {
    try {
      yield { assetId, initial: true } satisfies LiveProgress;
      if (alreadyOver) return;
      for await (const message of messages) {
        yield message;
        if (isFinal(message as ProgressMessage)) return;
      }
    } finally {
      await messages.return?.();
    }
  }
  return withEventLoaders(stream(), ctx as Context<unknown>);
}
