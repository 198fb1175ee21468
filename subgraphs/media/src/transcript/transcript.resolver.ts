import { decodeCursor, badInput, PAGED_CONNECTION, type Page, PageArgs, pageSize, toPage } from '@wavegraph/kit';
import type { GraphQLResolveInfo } from 'graphql';
import { Arg, Args, Ctx, Directive, FieldResolver, ID, Info, Mutation, Resolver, Root } from 'type-graphql';
import { mayPlay, premiumRequired } from '../episode/episode.playback';
import { Episode } from '../episode/episode.type';
import type { MediaContext } from '../services';
import { loadEpisodeTranscript, loadSegmentPage } from './transcript.loader';
import {
  segmentCursor,
  segmentOf,
  Transcript,
  TranscriptFileFormat,
  TranscriptSegmentConnection,
  TranscriptSegmentEdit,
  type TranscriptSegmentType,
} from './transcript.types';

/** A signed URL of one of the transcript's files, signed like renditions; null while the media is not READY or there is no such file. */
function signed(ctx: MediaContext, transcript: Transcript, key: string | null): string | null {
  if (!transcript.assetReady || !key) return null;
  const { signer } = ctx.services;
  return signer.url(transcript.row.asset_id, key, signer.expiry());
}

function readPositionCursor(after: string | null | undefined): number {
  if (after === null || after === undefined) return -1;
  const [position] = decodeCursor(after, 1);
  if (!/^\d+$/.test(position)) throw badInput('after is not a valid cursor', 'after');
  return Number(position);
}

@Resolver(() => Transcript)
export class TranscriptResolver {
  @Directive(PAGED_CONNECTION)
  @FieldResolver(() => TranscriptSegmentConnection, { description: 'In time order, with their words' })
  async segments(@Root() transcript: Transcript, @Args(() => PageArgs) { first, after }: PageArgs, @Ctx() ctx: MediaContext): Promise<Page<TranscriptSegmentType>> {
    const size = pageSize(first);
    const position = readPositionCursor(after);
    const rows = await loadSegmentPage(ctx, { assetId: transcript.row.asset_id, after: position, limit: size + 1 });
    return toPage(rows.map(segmentOf), size, segmentCursor, position >= 0);
  }

  @FieldResolver(() => String, { nullable: true, description: 'Signed WebVTT (captions for players)' })
  vttUrl(@Root() transcript: Transcript, @Ctx() ctx: MediaContext): string | null {
    return signed(ctx, transcript, transcript.row.vtt_key);
  }

  @FieldResolver(() => String, { nullable: true, description: 'Signed SubRip' })
  srtUrl(@Root() transcript: Transcript, @Ctx() ctx: MediaContext): string | null {
    return signed(ctx, transcript, transcript.row.srt_key);
  }

  @FieldResolver(() => String, { nullable: true, description: 'Signed Podcasting 2.0 transcript JSON (podcast:transcript type="application/json")' })
  jsonUrl(@Root() transcript: Transcript, @Ctx() ctx: MediaContext): string | null {
    return signed(ctx, transcript, transcript.row.json_key);
  }

  @Mutation(() => Transcript, {
    description: 'Owner, EDITOR or ADMIN, media READY: the transcript becomes the uploaded WebVTT or SRT (validated; a malformed file is refused with extensions.line)',
  })
  replaceTranscript(
    @Arg('episodeId', () => ID) episodeId: string,
    @Arg('format', () => TranscriptFileFormat) format: TranscriptFileFormat,
    @Arg('content', { description: 'The whole file as text' }) content: string,
    @Arg('language', () => String, { nullable: true, description: 'BCP 47; default: the transcript\'s current language' }) language: string | null,
    @Ctx() ctx: MediaContext,
  ): Promise<Transcript> {
    return ctx.services.transcripts.replace(ctx.viewer, episodeId, format, content, language);
  }

  @Mutation(() => Transcript, { description: 'Owner, EDITOR or ADMIN: changes text and/or times of segments (kept in order and inside the media)' })
  editTranscriptSegments(
    @Arg('episodeId', () => ID) episodeId: string,
    @Arg('edits', () => [TranscriptSegmentEdit]) edits: TranscriptSegmentEdit[],
    @Ctx() ctx: MediaContext,
  ): Promise<Transcript> {
    return ctx.services.transcripts.edit(ctx.viewer, episodeId, edits);
  }

  @Mutation(() => Transcript, {
    nullable: true,
    description: 'Owner, EDITOR or ADMIN: the language the episode is spoken in; READY media is transcribed again (status PENDING meanwhile). Null when there is no transcript yet',
  })
  setTranscriptLanguage(@Arg('episodeId', () => ID) episodeId: string, @Arg('language') language: string, @Ctx() ctx: MediaContext): Promise<Transcript | null> {
    return ctx.services.transcripts.setLanguage(ctx.viewer, episodeId, language);
  }
}

@Resolver(() => Episode)
export class EpisodeTranscriptResolver {
  @FieldResolver(() => Transcript, {
    nullable: true,
    description: 'The transcript of the media Episode.media shows, visible as that media is; null when there is none. FORBIDDEN (reason PREMIUM_REQUIRED) for a PREMIUM episode the viewer may not play',
  })
  async transcript(@Root() episode: Episode, @Ctx() ctx: MediaContext, @Info() info: GraphQLResolveInfo): Promise<Transcript | null> {
    const transcript = await loadEpisodeTranscript(ctx, episode.id);
    if (transcript && !(await mayPlay(ctx, info, episode.id))) throw premiumRequired();
    return transcript;
  }
}
