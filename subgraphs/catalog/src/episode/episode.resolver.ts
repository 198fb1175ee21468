import { GraphQLError } from 'graphql';
import { pageSize, toPage, type Page, PageArgs, readTimeCursor, PAGED_CONNECTION } from '@wavegraph/kit';
import { Arg, Args, ArgsType, Ctx, Directive, Field, FieldResolver, GraphQLISODateTime, ID, Mutation, Query, Resolver, Root } from 'type-graphql';

import type { CatalogContext } from '../services';
import { Show } from '../show/show.entity';
import { loadShow } from '../show/show.loader';
import { Episode, episodeGuid } from './episode.entity';
import { CreateEpisodeInput, EpisodeConnection, UpdateEpisodeInput } from './episode.types';
import { episodeCursor } from './episode.loader';

@ArgsType()
class EpisodesArgs extends PageArgs {
  @Field(() => ID, { nullable: true, description: 'Only episodes of this show' })
  showId?: string | null;
}

@Resolver(() => Episode)
export class EpisodeResolver {
  @Query(() => Episode, { nullable: true, description: 'NOT_FOUND when missing or not visible to you' })
  episode(@Arg('id', () => ID) id: string, @Ctx() ctx: CatalogContext): Promise<Episode> {
    return ctx.services.episodes.getVisible(ctx.viewer, id);
  }

  @Directive(PAGED_CONNECTION)
  @Query(() => EpisodeConnection, { description: 'Published episodes, newest publishedAt first' })
  async episodes(@Args(() => EpisodesArgs) { first, after, showId }: EpisodesArgs, @Ctx() ctx: CatalogContext): Promise<Page<Episode>> {
    const size = pageSize(first);
    const cursor = readTimeCursor(after);
    const rows = await ctx.services.episodes.listPublished(showId ?? null, size + 1, cursor);
    return toPage(rows, size, episodeCursor, cursor !== null);
  }

  @FieldResolver(() => String, { description: "The feed item's guid: the one it was created with (an imported episode's original), else its id" })
  guid(@Root() episode: Episode): string {
    return episodeGuid(episode);
  }

  @Mutation(() => Episode, { description: 'Creates a DRAFT episode' })
  createEpisode(@Arg('input', () => CreateEpisodeInput) input: CreateEpisodeInput, @Ctx() ctx: CatalogContext): Promise<Episode> {
    return ctx.services.episodes.create(ctx.viewer, input);
  }

  @Mutation(() => Episode)
  updateEpisode(
    @Arg('id', () => ID) id: string,
    @Arg('input', () => UpdateEpisodeInput) input: UpdateEpisodeInput,
    @Ctx() ctx: CatalogContext,
  ): Promise<Episode> {
    return ctx.services.episodes.update(ctx.viewer, id, input);
  }

  @Mutation(() => Episode, { description: 'DRAFT or SCHEDULED → PUBLISHED' })
  publishEpisode(@Arg('id', () => ID) id: string, @Ctx() ctx: CatalogContext): Promise<Episode> {
    return ctx.services.workflow.publish(ctx.viewer, id);
  }

  @Mutation(() => Episode, { description: 'DRAFT or SCHEDULED → SCHEDULED; published automatically at publishAt' })
  scheduleEpisode(
    @Arg('id', () => ID) id: string,
    @Arg('publishAt', () => GraphQLISODateTime) publishAt: Date,
    @Ctx() ctx: CatalogContext,
  ): Promise<Episode> {
    return ctx.services.workflow.schedule(ctx.viewer, id, publishAt);
  }

  @Mutation(() => Episode, { description: 'PUBLISHED or SCHEDULED → DRAFT' })
  unpublishEpisode(@Arg('id', () => ID) id: string, @Ctx() ctx: CatalogContext): Promise<Episode> {
    return ctx.services.workflow.unpublish(ctx.viewer, id);
  }

  @Mutation(() => Episode, { description: 'Any status → ARCHIVED' })
  archiveEpisode(@Arg('id', () => ID) id: string, @Ctx() ctx: CatalogContext): Promise<Episode> {
    return ctx.services.workflow.archive(ctx.viewer, id);
  }

  @FieldResolver(() => Show)
  async show(@Root() episode: Episode, @Ctx() ctx: CatalogContext): Promise<Show> {
    const show = await loadShow(ctx, episode.showId);
    // the foreign key makes this impossible; fail loudly rather than return a broken graph
    if (!show) throw new GraphQLError(`show ${episode.showId} of episode ${episode.id} is missing`);
    return show;
  }
}
