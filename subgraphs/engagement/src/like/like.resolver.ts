import { type Page, PageArgs, requireUuid, subscribeTopic, PAGED_CONNECTION, SUBSCRIPTION_COST, VIEWER_DEPENDENT, NOT_CACHED, REFERENCE } from '@wavegraph/kit';
import { Arg, Args, Ctx, Directive, FieldResolver, ID, Int, Mutation, Resolver, Root, Subscription } from 'type-graphql';
import { mapNodes } from '../common/page';

import { loadEpisodeStats } from '../episode/episode.loader';
import { Episode, episodeRef } from '../episode/episode.type';
import type { EngagementContext } from '../services';
import { User } from '../user/user.type';
import { LikedEpisodeConnection } from './like.types';
import { loadUserLikes, loadViewerLiked } from './like.loader';
import { likeCountTopic, type LikeCountChangedEvent } from './like.service';

@Resolver(() => Episode)
export class EpisodeLikesResolver {
  @Mutation(() => Episode, { ...REFERENCE, description: 'Idempotent; only published episodes (else NOT_FOUND)' })
  async likeEpisode(@Arg('episodeId', () => ID) episodeId: string, @Ctx() ctx: EngagementContext): Promise<Episode> {
    return episodeRef(await ctx.services.likes.like(ctx.viewer, episodeId));
  }

  @Mutation(() => Episode, { ...REFERENCE, description: 'Idempotent; works after the episode was unpublished' })
  async unlikeEpisode(@Arg('episodeId', () => ID) episodeId: string, @Ctx() ctx: EngagementContext): Promise<Episode> {
    return episodeRef(await ctx.services.likes.unlike(ctx.viewer, episodeId));
  }

  @Directive(SUBSCRIPTION_COST)
  @Subscription(() => Episode, {
    ...REFERENCE,
    description: 'The episode each time its like count changes (select likeCount); episodeId: BAD_USER_INPUT when malformed',
    subscribe: subscribeTopic((args: { episodeId: string }) => likeCountTopic(requireUuid('episodeId', args.episodeId))),
  })
  episodeLikeCountChanged(
    @Root() event: LikeCountChangedEvent,
    // the topic reads it; declared here so it is part of the field
    @Arg('episodeId', () => ID) _episodeId: string,
  ): Episode {
    return episodeRef(event.episodeId);
  }

  @FieldResolver(() => Int, { nullable: true })
  async likeCount(@Root() episode: Episode, @Ctx() ctx: EngagementContext): Promise<number> {
    return (await loadEpisodeStats(ctx, episode.id))?.likeCount ?? 0;
  }

  @Directive(VIEWER_DEPENDENT)
  @FieldResolver(() => Boolean, { nullable: true, description: 'False when signed out' })
  viewerHasLiked(@Root() episode: Episode, @Ctx() ctx: EngagementContext): Promise<boolean> | boolean {
    return ctx.viewer ? loadViewerLiked(ctx, ctx.viewer.id, episode.id) : false;
  }
}

@Resolver(() => User)
export class UserLikesResolver {
  @Directive(PAGED_CONNECTION)
  @Directive(NOT_CACHED)
  @FieldResolver(() => LikedEpisodeConnection, { nullable: true, description: 'Published episodes this user liked, most recent like first' })
  async likedEpisodes(@Root() user: User, @Args(() => PageArgs) { first, after }: PageArgs, @Ctx() ctx: EngagementContext): Promise<Page<Episode>> {
    return mapNodes(await loadUserLikes(ctx, user.id, first, after), (like) => episodeRef(like.episodeId));
  }
}
