import { forbidden, requireViewer, type Page, PageArgs, PAGED_CONNECTION, VIEWER_DEPENDENT, REFERENCE } from '@wavegraph/kit';
import { Arg, Args, Ctx, Directive, FieldResolver, ID, Int, Mutation, Resolver, Root } from 'type-graphql';

import { loadEpisodeStats } from '../episode/episode.loader';
import { Episode, episodeRef } from '../episode/episode.type';
import type { EngagementContext } from '../services';
import { User } from '../user/user.type';
import { PlayProgress } from './play.entity';
import { loadHistory, loadViewerProgress } from './play.loader';
import { PlayProgressConnection } from './play.types';

@Resolver(() => PlayProgress)
export class PlayResolver {
  @Mutation(() => PlayProgress, { description: 'Reports the position; the first report of a session (30 minutes apart) counts as a play' })
  recordPlay(
    @Arg('episodeId', () => ID) episodeId: string,
    @Arg('positionSeconds', () => Int) positionSeconds: number,
    @Arg('completed', () => Boolean, { defaultValue: false }) completed: boolean,
    @Ctx() ctx: EngagementContext,
    @Arg('clientApp', () => String, { nullable: true, description: 'The player reporting, e.g. "Wavegraph Web" (at most 64 characters); analytics groups listening by it' })
    clientApp?: string | null,
  ): Promise<PlayProgress> {
    return ctx.services.plays.record(ctx.viewer, { episodeId, positionSeconds, completed, clientApp });
  }

  @FieldResolver(() => Episode, REFERENCE)
  episode(@Root() progress: PlayProgress): Episode {
    return episodeRef(progress.episodeId);
  }
}

@Resolver(() => Episode)
export class EpisodePlaysResolver {
  @FieldResolver(() => Int, { nullable: true, description: 'Listening sessions, counted once per listener per 30 minutes' })
  async playCount(@Root() episode: Episode, @Ctx() ctx: EngagementContext): Promise<number> {
    return (await loadEpisodeStats(ctx, episode.id))?.playCount ?? 0;
  }

  @Directive(VIEWER_DEPENDENT)
  @FieldResolver(() => PlayProgress, { nullable: true, description: 'Null when signed out or never played' })
  viewerProgress(@Root() episode: Episode, @Ctx() ctx: EngagementContext): Promise<PlayProgress | null> | null {
    return ctx.viewer ? loadViewerProgress(ctx, ctx.viewer.id, episode.id) : null;
  }
}

/** Listening history is private: only the user themself may read it. */
function ownHistory(user: User, ctx: EngagementContext): string {
  const viewer = requireViewer(ctx);
  if (viewer.id.toLowerCase() !== user.id.toLowerCase()) throw forbidden('Listening history is private');
  return viewer.id;
}

@Resolver(() => User)
export class UserPlaysResolver {
  @Directive(PAGED_CONNECTION)
  @Directive(VIEWER_DEPENDENT)
  @FieldResolver(() => PlayProgressConnection, {
    nullable: true,
    description: '"Continue listening": unfinished episodes, most recently played first. Own history only (FORBIDDEN for others)',
  })
  history(@Root() user: User, @Args(() => PageArgs) { first, after }: PageArgs, @Ctx() ctx: EngagementContext): Promise<Page<PlayProgress>> {
    return loadHistory(ctx, ownHistory(user, ctx), true, first, after);
  }

  @Directive(PAGED_CONNECTION)
  @Directive(VIEWER_DEPENDENT)
  @FieldResolver(() => PlayProgressConnection, { nullable: true, description: 'Every episode played, finished or not, most recent first. Own history only' })
  recentlyPlayed(@Root() user: User, @Args(() => PageArgs) { first, after }: PageArgs, @Ctx() ctx: EngagementContext): Promise<Page<PlayProgress>> {
    return loadHistory(ctx, ownHistory(user, ctx), false, first, after);
  }
}
