import { ShowCategoryEnum, type ShowCategory } from '@wavegraph/events';
import { pageSize, toPage, type Page, PageArgs, readTimeCursor, PAGED_CONNECTION, VIEWER_DEPENDENT, REFERENCE } from '@wavegraph/kit';
import { Arg, Args, ArgsType, Ctx, Directive, Field, FieldResolver, ID, Mutation, Query, Resolver, Root } from 'type-graphql';

import { canManage } from '@wavegraph/auth';
import type { Episode } from '../episode/episode.entity';
import { EpisodeConnection } from '../episode/episode.types';
import { loadShowEpisodes } from '../episode/episode.loader';
import type { CatalogContext } from '../services';
import { User, userRef } from '../user/user.type';
import { Show } from './show.entity';
import { CreateShowInput, ShowConnection, showCursor, UpdateShowInput } from './show.types';

@ArgsType()
class ShowsArgs extends PageArgs {
  @Field(() => ShowCategoryEnum, { nullable: true, description: 'Only shows of this category' })
  category?: ShowCategory | null;

  @Field(() => String, { nullable: true, description: 'Only shows in this language' })
  language?: string | null;
}

@Resolver(() => Show)
export class ShowResolver {
  @Query(() => Show, { nullable: true, description: 'A show by id; NOT_FOUND when there is none' })
  show(@Arg('id', () => ID) id: string, @Ctx() ctx: CatalogContext): Promise<Show> {
    return ctx.services.shows.get(id);
  }

  @Query(() => Show, { nullable: true })
  showBySlug(@Arg('slug') slug: string, @Ctx() ctx: CatalogContext): Promise<Show> {
    return ctx.services.shows.getBySlug(slug);
  }

  @Directive(PAGED_CONNECTION)
  @Query(() => ShowConnection, { description: 'Shows, newest first' })
  async shows(@Args(() => ShowsArgs) { first, after, category, language }: ShowsArgs, @Ctx() ctx: CatalogContext): Promise<Page<Show>> {
    const size = pageSize(first);
    const cursor = readTimeCursor(after);
    const rows = await ctx.services.shows.list({ category, language }, size + 1, cursor);
    return toPage(rows, size, showCursor, cursor !== null);
  }

  @Mutation(() => Show, { description: 'Any signed-in user; the caller becomes the owner' })
  createShow(@Arg('input', () => CreateShowInput) input: CreateShowInput, @Ctx() ctx: CatalogContext): Promise<Show> {
    return ctx.services.shows.create(ctx.viewer, input);
  }

  @Mutation(() => Show)
  updateShow(
    @Arg('id', () => ID) id: string,
    @Arg('input', () => UpdateShowInput) input: UpdateShowInput,
    @Ctx() ctx: CatalogContext,
  ): Promise<Show> {
    return ctx.services.shows.update(ctx.viewer, id, input);
  }

  @FieldResolver(() => String, { description: 'The public URL of the show\'s podcast feed (RSS 2.0 with the itunes and Podcasting 2.0 tags)' })
  feedUrl(@Root() show: Show, @Ctx() ctx: CatalogContext): string {
    return ctx.services.shows.feedUrl(show);
  }

  @FieldResolver(() => String, { description: 'podcast:guid: UUIDv5 of the feed URL when the show was created; it stays the same if the feed moves' })
  podcastGuid(@Root() show: Show, @Ctx() ctx: CatalogContext): Promise<string> {
    return ctx.services.shows.podcastGuid(show);
  }

  @FieldResolver(() => User, REFERENCE)
  owner(@Root() show: Show): User {
    return userRef(show.ownerId);
  }

  @Directive(PAGED_CONNECTION)
  @Directive(VIEWER_DEPENDENT)
  @FieldResolver(() => EpisodeConnection, { description: 'Newest first; only published episodes unless you manage the show' })
  episodes(@Root() show: Show, @Args(() => PageArgs) { first, after }: PageArgs, @Ctx() ctx: CatalogContext): Promise<Page<Episode>> {
    return loadShowEpisodes(ctx, show.id, canManage(ctx.viewer, show.ownerId), first, after);
  }
}
