import { pageSize, PAGED_LIST } from '@wavegraph/kit';
import { Arg, Ctx, Directive, Int, Query, Resolver } from 'type-graphql';
import type { DiscoveryContext } from '../services';
import { TrendingEpisode, TrendingWindow } from './trending.types';

@Resolver(() => TrendingEpisode)
export class TrendingResolver {
  @Directive(PAGED_LIST)
  @Query(() => [TrendingEpisode], { description: 'Published episodes with the most recent plays and likes, highest score first' })
  trending(
    @Arg('window', () => TrendingWindow, { defaultValue: TrendingWindow.DAY }) window: TrendingWindow,
    @Arg('first', () => Int, { nullable: true, defaultValue: 20, description: '1..100' }) first: number | null,
    @Ctx() ctx: DiscoveryContext,
  ): Promise<TrendingEpisode[]> {
    const size = pageSize(first);
    return ctx.services.cache.remember('trending', { window, size }, ['docs', 'activity'], () => ctx.services.trending.trending(window, size));
  }
}
