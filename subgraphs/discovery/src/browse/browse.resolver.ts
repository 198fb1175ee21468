import { ShowCategoryEnum, ShowSubcategoryEnum, type ShowCategory, type ShowSubcategory } from '@wavegraph/events';
import { pageSize, type Page, PageArgs, readTimeCursor, PAGED_CONNECTION } from '@wavegraph/kit';
import { Args, ArgsType, Ctx, Directive, Field, Query, Resolver } from 'type-graphql';
import { validFilter } from '../common/filters';

import { Episode } from '../episode/episode.type';
import type { DiscoveryContext } from '../services';

import { BrowseConnection } from './browse.types';

@ArgsType()
class BrowseArgs extends PageArgs {
  @Field(() => ShowCategoryEnum, { nullable: true, description: "Only episodes whose show is in this category" })
  category?: ShowCategory | null;

  @Field(() => ShowSubcategoryEnum, { nullable: true, description: "Only episodes whose show is in this subcategory (with category, one of its own)" })
  subcategory?: ShowSubcategory | null;

  @Field(() => String, { nullable: true, description: 'Only episodes whose show is in this language, e.g. "en"' })
  language?: string | null;
}

@Resolver(() => Episode)
export class BrowseResolver {
  @Directive(PAGED_CONNECTION)
  @Query(() => BrowseConnection, { description: 'Published episodes, newest publishedAt first' })
  browse(@Args(() => BrowseArgs) { category, subcategory, language, first, after }: BrowseArgs, @Ctx() ctx: DiscoveryContext): Promise<Page<Episode>> {
    const filter = validFilter({ category, subcategory, language });
    const size = pageSize(first);
    const cursor = readTimeCursor(after);
    return ctx.services.cache.remember('browse', { filter, size, after: after ?? null }, ['docs'], () =>
      ctx.services.browse.browse(filter, size, cursor),
    );
  }
}
