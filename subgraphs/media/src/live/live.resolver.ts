import { SUBSCRIPTION_COST } from '@wavegraph/kit';
import { Arg, Ctx, Directive, ID, Resolver, Root, Subscription } from 'type-graphql';
import type { MediaContext } from '../services';
import { toProcessingEvent } from './live.event';
import { mediaProcessingStream, type LiveEvent } from './live.stream';
import { MediaProcessingEvent } from './live.types';

@Resolver()
export class MediaProcessingResolver {
  @Directive(SUBSCRIPTION_COST)
  @Subscription(() => MediaProcessingEvent, {
    description:
      "Live processing of an asset: its state now, each step's progress, then READY, FAILED or DELETED, and completes. Owner, EDITOR or ADMIN (others: FORBIDDEN, or NOT_FOUND while the asset is not READY); unknown asset NOT_FOUND, malformed id BAD_USER_INPUT, signed out UNAUTHENTICATED",
    subscribe: ({ args, context }) => mediaProcessingStream(context as MediaContext, (args as { assetId: string }).assetId),
  })
  mediaProcessing(
    @Root() event: LiveEvent,
    // the stream reads it; declared here so it is part of the field
    @Arg('assetId', () => ID) _assetId: string,
    @Ctx() ctx: MediaContext,
  ): Promise<MediaProcessingEvent> {
    return toProcessingEvent(ctx, event);
  }
}
