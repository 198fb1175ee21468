import { smallList } from '@wavegraph/kit';
import { Arg, Ctx, Directive, FieldResolver, ID, Mutation, Resolver, Root } from 'type-graphql';
import { loadEpisodeReadyMedia } from '../asset/asset.loader';
import { Episode, episodeRef } from '../episode/episode.type';
import type { MediaContext } from '../services';
import { chaptersKey } from './chapter.formats';
import { loadChapterSet } from './chapter.loader';
import { MAX_CHAPTERS } from './chapter.rules';
import { Chapter, ChapterInput } from './chapter.types';

// The media chapters describe is the episode's newest READY asset, the one listeners play (its
// owner sees the same while a replacement is processed): its duration ends the last chapter, and
// the chapters JSON is served under it.

@Resolver(() => Episode)
export class ChapterResolver {
  // nullable: the episode is catalog's, completed through the supergraph (packages/kit/src/reference.ts)
  @Mutation(() => Episode, {
    nullable: true,
    description: `The episode's owner, EDITOR or ADMIN: replaces its chapters as a whole (an empty list removes them; at most ${MAX_CHAPTERS}). BAD_USER_INPUT names the chapter at fault (extensions.chapter, 1-based), e.g. one starting beyond the end of the READY media`,
  })
  async setEpisodeChapters(
    @Arg('episodeId', () => ID) episodeId: string,
    @Arg('chapters', () => [ChapterInput]) chapters: ChapterInput[],
    @Ctx() ctx: MediaContext,
  ): Promise<Episode> {
    const set = await ctx.services.chapters.set(ctx.viewer, episodeId, chapters);
    return episodeRef(set.episodeId);
  }

  @Directive(smallList(MAX_CHAPTERS))
  @FieldResolver(() => [Chapter], { nullable: true, description: 'In order of their start; empty when the episode has none' })
  async chapters(@Root() episode: Episode, @Ctx() ctx: MediaContext): Promise<Chapter[]> {
    const set = await loadChapterSet(ctx, episode.id);
    if (!set?.chapters.length) return [];
    const media = await loadEpisodeReadyMedia(ctx, episode.id);
    return set.chapters.map((chapter, i) => ({ ...chapter, endSeconds: set.chapters[i + 1]?.startSeconds ?? media?.durationSeconds ?? null }));
  }

  @FieldResolver(() => String, {
    nullable: true,
    description: "Signed URL of the chapters as Podcasting 2.0 JSON (application/json+chapters); null without chapters or READY media",
  })
  async chaptersUrl(@Root() episode: Episode, @Ctx() ctx: MediaContext): Promise<string | null> {
    const set = await loadChapterSet(ctx, episode.id);
    const media = set?.chapters.length ? await loadEpisodeReadyMedia(ctx, episode.id) : null;
    if (!media) return null;
    const { signer } = ctx.services;
    return signer.url(media.id, chaptersKey(media.id), signer.expiry());
  }
}
