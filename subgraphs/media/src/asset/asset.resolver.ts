import { forbidden, type Page, PageArgs, pageSize, readTimeCursor, requireViewer, toPage, PAGED_CONNECTION, smallList, REFERENCE } from '@wavegraph/kit';
import type { GraphQLResolveInfo } from 'graphql';
import { Arg, Args, Ctx, Directive, FieldResolver, ID, Info, Int, Mutation, Query, Resolver, Root } from 'type-graphql';
import { isStaff } from '@wavegraph/auth';
import { Episode, episodeRef } from '../episode/episode.type';
import type { MediaContext } from '../services';
import { MediaAsset } from './asset.entity';
import { MediaStatus } from './asset.enums';
import { loadEpisodeMedia, loadProgress, loadSteps } from './asset.loader';
import { assetCursor, MediaAssetConnection, MediaHls, MediaLoudness, MediaRendition, MediaStoryboard, MediaVideoVariant } from './asset.types';
import { LADDER } from '../processing/steps/video.ladder';
import { STEPS } from '../processing/processing.port';
import { enclosureUrl } from '../playback/playback.enclosure';
import { mayPlay } from '../episode/episode.playback';
import { MediaStepRow } from './step.entity';

/** A signed URL for one of the asset's objects, or null while the asset is not READY. */
function signed(ctx: MediaContext, asset: MediaAsset, key: string | undefined): string | null {
  if (asset.status !== MediaStatus.READY || !key) return null;
  const { signer } = ctx.services;
  return signer.url(asset.id, key, signer.expiry());
}

/** The same for what plays the episode (renditions, HLS, video variants): null too when the viewer may not play it (episode.playback.ts). */
async function signedPlayback(ctx: MediaContext, info: GraphQLResolveInfo, asset: MediaAsset, keys: readonly (string | undefined)[]): Promise<(string | null)[]> {
  const playable = await mayPlay(ctx, info, asset.episodeId);
  return keys.map((key) => (playable ? signed(ctx, asset, key) : null));
}

@Resolver(() => MediaAsset)
export class AssetResolver {
  @Query(() => MediaAsset, { nullable: true, description: 'NOT_FOUND when missing, or not READY and the viewer is not its owner, an editor or an admin' })
  mediaAsset(@Arg('id', () => ID) id: string, @Ctx() ctx: MediaContext): Promise<MediaAsset> {
    return ctx.services.assetQueries.get(ctx.viewer, id);
  }

  @Directive(PAGED_CONNECTION)
  @Query(() => MediaAssetConnection, { description: 'EDITOR/ADMIN: failed assets, most recently failed first, with the step and reason' })
  async failedMediaJobs(@Args(() => PageArgs) { first, after }: PageArgs, @Ctx() ctx: MediaContext): Promise<Page<MediaAsset>> {
    if (!isStaff(requireViewer(ctx))) throw forbidden('Only editors and admins see failed media jobs');
    const size = pageSize(first);
    const cursor = readTimeCursor(after);
    return toPage(await ctx.services.assetQueries.failed(size + 1, cursor), size, assetCursor, cursor !== null);
  }

  @Mutation(() => MediaAsset, { description: 'Owner, EDITOR or ADMIN; FAILED assets only. Failed steps run again, finished ones are kept' })
  retryProcessing(@Arg('assetId', () => ID) assetId: string, @Ctx() ctx: MediaContext): Promise<MediaAsset> {
    return ctx.services.assets.retry(ctx.viewer, assetId);
  }

  @Mutation(() => ID, { description: 'Owner, EDITOR or ADMIN: marks the asset DELETED and removes its files' })
  deleteAsset(@Arg('assetId', () => ID) assetId: string, @Ctx() ctx: MediaContext): Promise<string> {
    return ctx.services.assets.delete(ctx.viewer, assetId);
  }

  @FieldResolver(() => Int, { description: 'Overall processing progress, 0 to 100' })
  async progress(@Root() asset: MediaAsset, @Ctx() ctx: MediaContext): Promise<number> {
    return loadProgress(ctx, asset);
  }

  @Directive(smallList(STEPS.length))
  @FieldResolver(() => [MediaStepRow], { description: 'The processing steps in flow order' })
  steps(@Root() asset: MediaAsset, @Ctx() ctx: MediaContext): Promise<MediaStepRow[]> {
    return loadSteps(ctx, asset.id);
  }

  @FieldResolver(() => MediaLoudness, { nullable: true, description: 'Null until loudness was measured' })
  loudness(@Root() asset: MediaAsset): MediaLoudness | null {
    const { inputLufs, integratedLufs, truePeakDbtp } = asset;
    return inputLufs === null && integratedLufs === null && truePeakDbtp === null ? null : { inputLufs, integratedLufs, truePeakDbtp };
  }

  // one per bitrate the worker encodes (two today); the bound leaves room for more
  @Directive(smallList(4))
  @FieldResolver(() => [MediaRendition])
  async renditions(@Root() asset: MediaAsset, @Ctx() ctx: MediaContext, @Info() info: GraphQLResolveInfo): Promise<MediaRendition[]> {
    const ready = asset.status === MediaStatus.READY && asset.episodeId;
    const renditions = asset.outputs.renditions ?? [];
    const urls = await signedPlayback(ctx, info, asset, renditions.map((r) => r.key));
    return renditions.map(({ name, bitrateKbps, mimeType, sizeBytes }, i) => ({
      name, bitrateKbps, mimeType, sizeBytes, url: urls[i],
      enclosureUrl: ready ? enclosureUrl(ctx.services.config.publicUrl, asset.episodeId as string, name) : null,
    }));
  }

  @FieldResolver(() => MediaHls, { nullable: true, description: 'Null until the asset is READY, and for a PREMIUM episode the viewer may not play (see locked)' })
  async hls(@Root() asset: MediaAsset, @Ctx() ctx: MediaContext, @Info() info: GraphQLResolveInfo): Promise<MediaHls | null> {
    const [masterUrl] = await signedPlayback(ctx, info, asset, [asset.outputs.hls?.masterKey]);
    return masterUrl ? { masterUrl } : null;
  }

  @FieldResolver(() => Boolean, {
    description: "True when the episode is PREMIUM and the viewer is not a PREMIUM listener, its owner or staff: the playback URLs (renditions' url, hls, videoVariants' playlistUrl) are null and the transcript is FORBIDDEN",
  })
  async locked(@Root() asset: MediaAsset, @Ctx() ctx: MediaContext, @Info() info: GraphQLResolveInfo): Promise<boolean> {
    return !(await mayPlay(ctx, info, asset.episodeId));
  }

  @FieldResolver(() => String, { nullable: true, description: 'Signed URL of the waveform peaks (JSON); null until READY' })
  waveformUrl(@Root() asset: MediaAsset, @Ctx() ctx: MediaContext): string | null {
    return signed(ctx, asset, asset.outputs.waveformKey);
  }

  @FieldResolver(() => String, { nullable: true, description: 'Signed URL of a JPEG frame (video sources) or cover art, 640 wide at most; null until READY' })
  thumbnailUrl(@Root() asset: MediaAsset, @Ctx() ctx: MediaContext): string | null {
    return signed(ctx, asset, asset.outputs.thumbnailKey);
  }

  @Directive(smallList(LADDER.length))
  @FieldResolver(() => [MediaVideoVariant], { description: 'The H.264 ladder of a video source, lowest first; empty for audio' })
  async videoVariants(@Root() asset: MediaAsset, @Ctx() ctx: MediaContext, @Info() info: GraphQLResolveInfo): Promise<MediaVideoVariant[]> {
    const variants = asset.outputs.video?.variants ?? [];
    const urls = await signedPlayback(ctx, info, asset, variants.map((v) => v.playlistKey));
    return variants.map(({ name, width, height, frameRate, bitrateKbps, codecs }, i) => ({ name, width, height, frameRate, bitrateKbps, codecs, playlistUrl: urls[i] }));
  }

  @FieldResolver(() => String, { nullable: true, description: 'Signed URL of a video poster (JPEG, up to 1080 lines); null for audio and until READY' })
  posterUrl(@Root() asset: MediaAsset, @Ctx() ctx: MediaContext): string | null {
    return signed(ctx, asset, asset.outputs.posterKey);
  }

  @FieldResolver(() => MediaStoryboard, { nullable: true, description: 'Scrubbing previews of a video; null for audio and until READY' })
  storyboard(@Root() asset: MediaAsset, @Ctx() ctx: MediaContext): MediaStoryboard | null {
    const board = asset.outputs.storyboard;
    const spriteUrl = signed(ctx, asset, board?.spriteKey);
    const vttUrl = signed(ctx, asset, board?.vttKey);
    if (!board || !spriteUrl || !vttUrl) return null;
    const { intervalSeconds, tileWidth, tileHeight, count } = board;
    return { spriteUrl, vttUrl, intervalSeconds, tileWidth, tileHeight, count };
  }

  @FieldResolver(() => Episode, REFERENCE)
  episode(@Root() asset: MediaAsset): Episode {
    return episodeRef(asset.episodeId);
  }
}

@Resolver(() => Episode)
export class EpisodeMediaResolver {
  @FieldResolver(() => MediaAsset, {
    nullable: true,
    description: 'The newest media not deleted: for listeners the newest READY one, for the owner and staff whatever state it is in',
  })
  media(@Root() episode: Episode, @Ctx() ctx: MediaContext): Promise<MediaAsset | null> {
    return loadEpisodeMedia(ctx, episode.id);
  }
}
