import { type Page, PageArgs, PAGED_CONNECTION, VIEWER_DEPENDENT, NOT_CACHED, REFERENCE } from '@wavegraph/kit';
import { Arg, Args, Ctx, Directive, FieldResolver, ID, Int, Mutation, Resolver, Root } from 'type-graphql';
import { mapNodes } from '../common/page';

import type { EngagementContext } from '../services';
import { Show, showRef } from '../show/show.type';
import { User } from '../user/user.type';
import { loadFollowing, loadShowStats, loadViewerFollows } from './follow.loader';
import { FollowedShowConnection } from './follow.types';

@Resolver(() => Show)
export class ShowFollowsResolver {
  @Mutation(() => Show, { ...REFERENCE, description: 'Idempotent; NOT_FOUND for a show catalog never announced' })
  async followShow(@Arg('showId', () => ID) showId: string, @Ctx() ctx: EngagementContext): Promise<Show> {
    return showRef(await ctx.services.follows.follow(ctx.viewer, showId));
  }

  @Mutation(() => Show, { ...REFERENCE, description: 'Idempotent' })
  async unfollowShow(@Arg('showId', () => ID) showId: string, @Ctx() ctx: EngagementContext): Promise<Show> {
    return showRef(await ctx.services.follows.unfollow(ctx.viewer, showId));
  }

  @FieldResolver(() => Int, { nullable: true })
  async followerCount(@Root() show: Show, @Ctx() ctx: EngagementContext): Promise<number> {
    return (await loadShowStats(ctx, show.id))?.followerCount ?? 0;
  }

  @Directive(VIEWER_DEPENDENT)
  @FieldResolver(() => Boolean, { nullable: true, description: 'False when signed out' })
  viewerFollows(@Root() show: Show, @Ctx() ctx: EngagementContext): Promise<boolean> | boolean {
    return ctx.viewer ? loadViewerFollows(ctx, ctx.viewer.id, show.id) : false;
  }
}

@Resolver(() => User)
export class UserFollowsResolver {
  @Directive(PAGED_CONNECTION)
  @Directive(NOT_CACHED)
  @FieldResolver(() => FollowedShowConnection, { nullable: true, description: 'Shows this user follows, most recent first' })
  async following(@Root() user: User, @Args(() => PageArgs) { first, after }: PageArgs, @Ctx() ctx: EngagementContext): Promise<Page<Show>> {
    return mapNodes(await loadFollowing(ctx, user.id, first, after), (follow) => showRef(follow.showId));
  }
}
