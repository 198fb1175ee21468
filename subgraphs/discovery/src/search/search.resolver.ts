import { pageSize, type Page, PageArgs, PAGED_CONNECTION } from '@wavegraph/kit';
import { Arg, Args, Ctx, Directive, Query, Resolver } from 'type-graphql';
import { validFilter } from '../common/filters';

import type { DiscoveryContext } from '../services';
import { readOffsetCursor, validQuery } from './search.query';
import { SearchConnection, SearchFilter, SearchHit } from './search.types';

@Resolver(() => SearchHit)
export class SearchResolver {
  @Directive(PAGED_CONNECTION)
  @Query(() => SearchConnection, {
    description: 'Published episodes and shows matching the text, best first; the last word matches as a prefix and small typos in titles are forgiven',
  })
  search(
    @Arg('query') query: string,
    @Arg('filter', () => SearchFilter, { nullable: true }) filter: SearchFilter | null,
    @Args(() => PageArgs) { first, after }: PageArgs,
    @Ctx() ctx: DiscoveryContext,
  ): Promise<Page<SearchHit>> {
    const request = {
      text: validQuery(query),
      ...validFilter({ category: filter?.category, subcategory: filter?.subcategory, language: filter?.language }),
      kind: filter?.kind ?? null,
      size: pageSize(first),
      offset: readOffsetCursor(after),
    };
    return ctx.services.cache.remember('search', request, ['docs'], () => ctx.services.search.search(request));
  }
}
