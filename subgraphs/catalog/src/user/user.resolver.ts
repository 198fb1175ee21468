import { groupByKeys, pageSize, toPage, type Page, PageArgs, readTimeCursor, PAGED_CONNECTION } from '@wavegraph/kit';
import { Args, Ctx, Directive, FieldResolver, Resolver, Root } from 'type-graphql';

import type { CatalogContext } from '../services';
import type { Show } from '../show/show.entity';
import { ShowConnection, showCursor } from '../show/show.types';
import { User } from './user.type';

@Resolver(() => User)
export class UserResolver {
  @Directive(PAGED_CONNECTION)
  @FieldResolver(() => ShowConnection, { nullable: true, description: 'Shows this user owns, newest first' })
  async shows(@Root() user: User, @Args(() => PageArgs) { first, after }: PageArgs, @Ctx() ctx: CatalogContext): Promise<Page<Show>> {
    const size = pageSize(first);
    const cursor = readTimeCursor(after);
    const rows = await ctx.loaders
      .get<string, Show[]>(`user:shows:${size}:${after ?? ''}`, async (ownerIds) =>
        groupByKeys(ownerIds, await ctx.services.shows.listForOwners(ownerIds, size + 1, cursor), (show) => show.ownerId),
      )
      .load(user.id.toLowerCase());
    return toPage(rows, size, showCursor, cursor !== null);
  }
}
