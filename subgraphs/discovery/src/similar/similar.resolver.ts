import { pageSize, requireUuid, PAGED_LIST } from '@wavegraph/kit';
import { Arg, Ctx, Directive, ID, Int, Query, Resolver } from 'type-graphql';
import type { DiscoveryContext } from '../services';
import { SimilarEpisode } from './similar.types';

@Resolver(() => SimilarEpisode)
export class SimilarResolver {
  @Directive(PAGED_LIST)
  @Query(() => [SimilarEpisode], {
    description: 'Published episodes that listeners of this episode also liked or played, most shared listeners first; empty for an unknown episode',
  })
  similarEpisodes(
    @Arg('episodeId', () => ID) episodeId: string,
    @Arg('first', () => Int, { nullable: true, defaultValue: 10, description: '1..100' }) first: number | null,
    @Ctx() ctx: DiscoveryContext,
  ): Promise<SimilarEpisode[]> {
    const id = requireUuid('episodeId', episodeId);
    const size = pageSize(first, 10);
    return ctx.services.cache.remember('similar', { id, size }, ['docs', 'activity'], () => ctx.services.similar.similar(id, size));
  }
}
