import { Arg, Ctx, ID, Resolver, Root, Subscription } from 'type-graphql';
import { loadAsset, loadProgress } from '../asset/asset.loader';
import { MediaStatus, type MediaStepStatus } from '../asset/asset.enums';
import type { MediaContext } from '../services';
import { isFinal } from '../processing/progress';
import { mediaProcessingStream, type LiveProgress } from './live.stream';
import { MediaProcessingEvent } from './live.types';

@Resolver()
export class MediaProcessingResolver {
  @Subscription(() => MediaProcessingEvent, {
    description:
      "Live processing of an asset: its state now, each step's progress, and READY or FAILED, then completes. Owner, EDITOR or ADMIN (else FORBIDDEN); NOT_FOUND, BAD_USER_INPUT, UNAUTHENTICATED",
    subscribe: ({ args, context }) => mediaProcessingStream(context as MediaContext, (args as { assetId: string }).assetId),
  })
  async mediaProcessing(
    @Root() event: LiveProgress,
    // the stream reads it; declared here so it is part of the field
    @Arg('assetId', () => ID) _assetId: string,
    @Ctx() ctx: MediaContext,
  ): Promise<MediaProcessingEvent> {
    const asset = await loadAsset(ctx, event.assetId);
    if (!asset) throw new Error(`asset ${event.assetId} vanished while followed`);
    if ('initial' in event) {
      const done = asset.status === MediaStatus.READY || asset.status === MediaStatus.FAILED;
      return { asset, status: asset.status, step: null, stepStatus: null, progress: await loadProgress(ctx, asset), done };
    }
    return { asset, status: asset.status, step: event.step, stepStatus: event.status as MediaStepStatus, progress: event.progress, done: isFinal(event) };
  }
}
