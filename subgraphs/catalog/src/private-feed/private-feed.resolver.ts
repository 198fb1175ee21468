import { Arg, Ctx, ID, Mutation, Resolver } from 'type-graphql';
import type { CatalogContext } from '../services';
import { PrivateFeed } from './private-feed.types';

@Resolver(() => PrivateFeed)
export class PrivateFeedResolver {
  @Mutation(() => PrivateFeed, {
    description: "PREMIUM listeners (and the show's owner and staff): a private feed of the show, PREMIUM episodes included; replaces your previous one. Others FORBIDDEN (reason PREMIUM_REQUIRED)",
  })
  createPrivateFeed(@Arg('showId', () => ID) showId: string, @Ctx() ctx: CatalogContext): Promise<PrivateFeed> {
    return ctx.services.privateFeeds.create(ctx.viewer, showId);
  }

  @Mutation(() => Boolean, { description: 'Ends your private feed of the show (its URL and enclosures stop working); false when you had none' })
  revokePrivateFeed(@Arg('showId', () => ID) showId: string, @Ctx() ctx: CatalogContext): Promise<boolean> {
    return ctx.services.privateFeeds.revoke(ctx.viewer, showId);
  }
}
