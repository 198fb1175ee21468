import { pageSize, PAGED_LIST, VIEWER_DEPENDENT } from '@wavegraph/kit';
import { Arg, Ctx, Directive, FieldResolver, Int, Query, Resolver, Root } from 'type-graphql';
import { Episode, episodeRef } from '../episode/episode.type';
import type { AnalyticsContext } from '../services';
import type { SharedListeners } from '../store/analytics.store';
import { EpisodeRecommendation } from './recommendation.types';

const toRecommendation = ({ episodeId, sharedListeners }: SharedListeners): EpisodeRecommendation =>
  Object.assign(new EpisodeRecommendation(), { episode: episodeRef(episodeId), sharedListeners });

@Resolver(() => Episode)
export class EpisodeRecommendationResolver {
  @Directive(PAGED_LIST)
  @FieldResolver(() => [EpisodeRecommendation], {
    nullable: true,
    description: 'Published episodes that listeners of this one also played, most shared listeners first; null when analytics is unavailable',
  })
  async listenersAlsoLiked(
    @Root() episode: Episode,
    @Arg('first', () => Int, { nullable: true, defaultValue: 10, description: '1..100' }) first: number | null,
    @Ctx() ctx: AnalyticsContext,
  ): Promise<EpisodeRecommendation[]> {
    return (await ctx.services.recommendations.alsoLiked(episode.id, pageSize(first, 10))).map(toRecommendation);
  }
}

@Resolver(() => EpisodeRecommendation)
export class ForYouResolver {
  @Directive(PAGED_LIST)
  @Directive(VIEWER_DEPENDENT)
  @Query(() => [EpisodeRecommendation], {
    description: "Published episodes for the viewer: what listeners who share episodes with them played and they have not (UNAUTHENTICATED when signed out)",
  })
  async forYou(
    @Arg('first', () => Int, { nullable: true, defaultValue: 10, description: '1..100' }) first: number | null,
    @Ctx() ctx: AnalyticsContext,
  ): Promise<EpisodeRecommendation[]> {
    return (await ctx.services.recommendations.forYou(ctx.viewer, pageSize(first, 10))).map(toRecommendation);
  }
}
