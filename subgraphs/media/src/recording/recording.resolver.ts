import { byKeys, REFERENCE, smallList, SUBSCRIPTION_COST } from '@wavegraph/kit';
import { Arg, Ctx, Directive, FieldResolver, ID, Int, Mutation, Query, Resolver, Root, Subscription } from 'type-graphql';
import { MediaAsset } from '../asset/asset.entity';
import { loadAsset } from '../asset/asset.loader';
import { Episode, episodeRef } from '../episode/episode.type';
import { toProcessingEvent } from '../live/live.event';
import type { MediaContext } from '../services';
import { RecordingSession, RecordingStatus } from './recording.entity';
import { recordingSessionStream, type RecordingLiveEvent } from './recording.live';
import { RecordingSessionEvent } from './recording.types';

/** Sessions of the events in this response, one query. */
function loadSession(ctx: MediaContext, id: string): Promise<RecordingSession | null> {
  return ctx.loaders
    .get<string, RecordingSession | null>('recording:byId', async (ids) =>
      byKeys(ids, await ctx.services.dataSource.getRepository(RecordingSession).createQueryBuilder('s').where('s.id IN (:...ids)', { ids }).getMany(), (s) => s.id),
    )
    .load(id);
}

@Resolver(() => RecordingSession)
export class RecordingResolver {
  @Mutation(() => RecordingSession, {
    description:
      "The episode's owner, EDITOR or ADMIN: starts recording in the browser. PUT each MediaRecorder chunk to `<chunkUrl>/<sequence>` (0, 1, 2, …) with header `x-upload-token: <token>`; then finishRecordingSession. Counts as an upload in progress against the quota",
  })
  startRecordingSession(
    @Arg('episodeId', () => ID) episodeId: string,
    @Arg('mimeType', { description: 'MediaRecorder.mimeType: audio/webm, video/webm, audio/ogg, audio/mp4 or video/mp4, with codecs if any' }) mimeType: string,
    @Ctx() ctx: MediaContext,
  ): Promise<RecordingSession> {
    return ctx.services.recordings.start(ctx.viewer, episodeId, mimeType);
  }

  @Mutation(() => RecordingSession, {
    description:
      'Stitches chunks 0..lastSequence into the asset\'s source and starts processing (as a finished upload). BAD_USER_INPUT with `missing` while any of them is not stored; CONFLICT once expired or failed; repeating it is safe',
  })
  finishRecordingSession(
    @Arg('id', () => ID) id: string,
    @Arg('lastSequence', () => Int, { description: 'The sequence number of the last chunk' }) lastSequence: number,
    @Ctx() ctx: MediaContext,
  ): Promise<RecordingSession> {
    return ctx.services.recordings.finish(ctx.viewer, id, lastSequence);
  }

  @Query(() => RecordingSession, { nullable: true, description: 'The owner of its episode, EDITOR or ADMIN; NOT_FOUND otherwise' })
  recordingSession(@Arg('id', () => ID) id: string, @Ctx() ctx: MediaContext): Promise<RecordingSession> {
    return ctx.services.recordings.get(ctx.viewer, id);
  }

  // usually none or a few (what a dropped connection lost); they are plain numbers
  @Directive(smallList(20))
  @FieldResolver(() => [Int], { description: 'Sequence numbers below the highest stored that were not stored: resend exactly these' })
  missing(@Root() session: RecordingSession, @Ctx() ctx: MediaContext): Promise<number[]> {
    return ctx.services.recordings.missing(session);
  }

  @FieldResolver(() => String, { description: 'PUT chunk <n> to `<chunkUrl>/<n>`' })
  chunkUrl(@Root() session: RecordingSession, @Ctx() ctx: MediaContext): string {
    return ctx.services.recordings.chunkUrl(session);
  }

  @FieldResolver(() => String, { description: 'Send as header `x-upload-token` with every chunk; valid for this session only' })
  token(@Root() session: RecordingSession, @Ctx() ctx: MediaContext): string {
    return ctx.services.recordings.token(session);
  }

  @FieldResolver(() => Int, { description: 'The largest chunk accepted, in bytes (MediaRecorder timeslices should stay well below it)' })
  maxChunkBytes(@Ctx() ctx: MediaContext): number {
    return ctx.services.recordingChunks.maxChunkBytes;
  }

  /** Whoever sees the session manages its asset. */
  @FieldResolver(() => MediaAsset)
  asset(@Root() session: RecordingSession, @Ctx() ctx: MediaContext): Promise<MediaAsset | null> {
    return loadAsset(ctx, session.assetId);
  }

  @FieldResolver(() => Episode, REFERENCE)
  episode(@Root() session: RecordingSession): Episode {
    return episodeRef(session.episodeId);
  }

  @Directive(SUBSCRIPTION_COST)
  @Subscription(() => RecordingSessionEvent, {
    name: 'recordingSession',
    description:
      "Live recording session: its state now, each chunk stored, then (once finished) its asset's processing until READY or FAILED, and completes (also when the session fails or expires). Owner, EDITOR or ADMIN; others NOT_FOUND",
    subscribe: ({ args, context }) => recordingSessionStream(context as MediaContext, (args as { id: string }).id),
  })
  async recordingSessionLive(@Root() event: RecordingLiveEvent, @Arg('id', () => ID) id: string, @Ctx() ctx: MediaContext): Promise<RecordingSessionEvent> {
    const session = await loadSession(ctx, id.toLowerCase());
    if (!session) throw ctx.services.recordings.notFound();
    if ('assetId' in event) {
      const processing = await toProcessingEvent(ctx, event);
      return { session, processing, done: processing.done };
    }
    if ('session' in event && session.status === RecordingStatus.FINISHED) {
      const asset = await loadAsset(ctx, session.assetId);
      const processing = asset ? await toProcessingEvent(ctx, { current: asset }) : null;
      return { session, processing, done: processing?.done ?? false };
    }
    return { session, processing: null, done: session.status === RecordingStatus.FAILED || session.status === RecordingStatus.EXPIRED };
  }
}
