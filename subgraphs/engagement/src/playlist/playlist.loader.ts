import { byKeys, groupByKeys, pageSize, toPage, type Page, readTimeCursor } from '@wavegraph/kit';
import { readPositionCursor } from '../common/cursor';
import type { EngagementContext } from '../services';
import type { Playlist, PlaylistItem } from './playlist.entity';
import { itemCursor, playlistCursor } from './playlist.types';

/** Playlist references: the ones the viewer may not see resolve to null. */
export async function resolvePlaylistReferences(ids: readonly string[], ctx: EngagementContext): Promise<(Playlist | null)[]> {
  const rows = await ctx.services.playlistQueries.findVisibleByIds(ctx.viewer, ids);
  return byKeys(ids.map((id) => id.toLowerCase()), rows, (playlist) => playlist.id);
}

export async function loadUserPlaylists(ctx: EngagementContext, userId: string, first?: number | null, after?: string | null): Promise<Page<Playlist>> {
  const size = pageSize(first);
  const cursor = readTimeCursor(after);
  const rows = await ctx.loaders
    .get<string, Playlist[]>(`user:playlists:${size}:${after ?? ''}`, async (userIds) =>
      groupByKeys(userIds, await ctx.services.playlistQueries.listForOwners(ctx.viewer, userIds, size + 1, cursor), (p) => p.ownerId),
    )
    .load(userId.toLowerCase());
  return toPage(rows, size, playlistCursor, cursor !== null);
}

/** A page of a playlist's episodes when `first` is left out. */
export const PLAYLIST_PAGE_SIZE = 50;

export async function loadPlaylistItems(ctx: EngagementContext, playlistId: string, first?: number | null, after?: string | null): Promise<Page<PlaylistItem>> {
  const size = pageSize(first, PLAYLIST_PAGE_SIZE);
  const position = readPositionCursor(after);
  const rows = await ctx.loaders
    .get<string, PlaylistItem[]>(`playlist:items:${size}:${after ?? ''}`, async (playlistIds) =>
      groupByKeys(playlistIds, await ctx.services.playlistQueries.listItems(playlistIds, size + 1, position), (item) => item.playlistId),
    )
    .load(playlistId);
  return toPage(rows, size, itemCursor, position !== null);
}

export function loadEpisodeCount(ctx: EngagementContext, playlistId: string): Promise<number> {
  return ctx.loaders
    .get<string, number>('playlist:episodeCount', async (ids) => {
      const counts = await ctx.services.playlistQueries.countItems(ids);
      return ids.map((id) => counts.get(id) ?? 0);
    })
    .load(playlistId);
}
