import { type Page, PageArgs, PAGED_CONNECTION, VIEWER_DEPENDENT, REFERENCE } from '@wavegraph/kit';
import { Arg, Args, ArgsType, Ctx, Directive, Field, FieldResolver, ID, Int, Mutation, Query, Resolver, Root } from 'type-graphql';
import { mapNodes } from '../common/page';

import { type Episode, episodeRef } from '../episode/episode.type';
import type { EngagementContext } from '../services';
import { User, userRef } from '../user/user.type';
import { Playlist } from './playlist.entity';
import { loadEpisodeCount, loadPlaylistItems, loadUserPlaylists, PLAYLIST_PAGE_SIZE } from './playlist.loader';
import { PlaylistConnection, PlaylistEpisodeConnection } from './playlist.types';

/** A playlist is read whole more often than paged, hence a larger default page than other lists. */
@ArgsType()
class PlaylistEpisodesArgs extends PageArgs {
  @Field(() => Int, { nullable: true, defaultValue: PLAYLIST_PAGE_SIZE })
  override first?: number | null;
}

@Resolver(() => Playlist)
export class PlaylistResolver {
  @Query(() => Playlist, { nullable: true, description: "NOT_FOUND when missing or someone else's private playlist" })
  playlist(@Arg('id', () => ID) id: string, @Ctx() ctx: EngagementContext): Promise<Playlist> {
    return ctx.services.playlistQueries.get(ctx.viewer, id);
  }

  @Mutation(() => Playlist, { description: 'name: 1..100 characters; private unless isPublic' })
  createPlaylist(
    @Arg('name') name: string,
    @Arg('isPublic', () => Boolean, { defaultValue: false }) isPublic: boolean,
    @Ctx() ctx: EngagementContext,
  ): Promise<Playlist> {
    return ctx.services.playlists.create(ctx.viewer, name, isPublic);
  }

  @Mutation(() => Playlist)
  renamePlaylist(@Arg('id', () => ID) id: string, @Arg('name') name: string, @Ctx() ctx: EngagementContext): Promise<Playlist> {
    return ctx.services.playlists.rename(ctx.viewer, id, name);
  }

  @Mutation(() => Playlist)
  setPlaylistVisibility(@Arg('id', () => ID) id: string, @Arg('isPublic', () => Boolean) isPublic: boolean, @Ctx() ctx: EngagementContext): Promise<Playlist> {
    return ctx.services.playlists.setVisibility(ctx.viewer, id, isPublic);
  }

  @Mutation(() => Playlist, { description: 'Appends a published episode; CONFLICT when it is already there; at most 500 episodes' })
  addToPlaylist(@Arg('playlistId', () => ID) playlistId: string, @Arg('episodeId', () => ID) episodeId: string, @Ctx() ctx: EngagementContext): Promise<Playlist> {
    return ctx.services.playlists.add(ctx.viewer, playlistId, episodeId);
  }

  @Mutation(() => Playlist)
  removeFromPlaylist(@Arg('playlistId', () => ID) playlistId: string, @Arg('episodeId', () => ID) episodeId: string, @Ctx() ctx: EngagementContext): Promise<Playlist> {
    return ctx.services.playlists.remove(ctx.viewer, playlistId, episodeId);
  }

  @Mutation(() => Playlist, { description: 'episodeIds: the complete new order, a permutation of the episodes the playlist lists' })
  reorderPlaylist(
    @Arg('playlistId', () => ID) playlistId: string,
    @Arg('episodeIds', () => [ID]) episodeIds: string[],
    @Ctx() ctx: EngagementContext,
  ): Promise<Playlist> {
    return ctx.services.playlists.reorder(ctx.viewer, playlistId, episodeIds);
  }

  @Mutation(() => ID, { description: 'Returns the id of the deleted playlist' })
  deletePlaylist(@Arg('id', () => ID) id: string, @Ctx() ctx: EngagementContext): Promise<string> {
    return ctx.services.playlists.delete(ctx.viewer, id);
  }

  @FieldResolver(() => User, REFERENCE)
  owner(@Root() playlist: Playlist): User {
    return userRef(playlist.ownerId);
  }

  @Directive(PAGED_CONNECTION)
  @FieldResolver(() => PlaylistEpisodeConnection, { description: 'In playlist order; only published episodes' })
  async episodes(@Root() playlist: Playlist, @Args(() => PlaylistEpisodesArgs) { first, after }: PlaylistEpisodesArgs, @Ctx() ctx: EngagementContext): Promise<Page<Episode>> {
    return mapNodes(await loadPlaylistItems(ctx, playlist.id, first, after), (item) => episodeRef(item.episodeId));
  }

  @FieldResolver(() => Int, { description: 'Published episodes in the playlist' })
  episodeCount(@Root() playlist: Playlist, @Ctx() ctx: EngagementContext): Promise<number> {
    return loadEpisodeCount(ctx, playlist.id);
  }
}

@Resolver(() => User)
export class UserPlaylistsResolver {
  @Directive(PAGED_CONNECTION)
  @Directive(VIEWER_DEPENDENT)
  @FieldResolver(() => PlaylistConnection, { nullable: true, description: 'Newest first; all of them for their owner, public ones for everybody else' })
  playlists(@Root() user: User, @Args(() => PageArgs) { first, after }: PageArgs, @Ctx() ctx: EngagementContext): Promise<Page<Playlist>> {
    return loadUserPlaylists(ctx, user.id, first, after);
  }
}
