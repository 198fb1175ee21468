import type { Viewer } from '@wavegraph/auth';
import { badInput, conflict, forbidden, notFound, requireUuid, unauthenticated } from '@wavegraph/kit';
import type { DataSource, EntityManager } from 'typeorm';
import type { KnownCatalog } from '../known/known.service';
import { Playlist } from './playlist.entity';
import { canSeePlaylist, ownsPlaylist } from './playlist.policy';
import { MAX_PLAYLIST_ITEMS, validOrder, validPlaylistName } from './playlist.validation';

interface ItemRow {
  episode_id: string;
  published: boolean;
}

/**
 * Owner-only changes to playlists. Each change locks the playlist row first, so concurrent
 * adds cannot pick the same position or squeeze past the size limit.
 */
export class PlaylistService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly known: KnownCatalog,
  ) {}

  create(viewer: Viewer | null, name: string, isPublic: boolean): Promise<Playlist> {
    if (!viewer) throw unauthenticated();
    const valid = validPlaylistName(name);
    return this.dataSource.getRepository(Playlist).save({ ownerId: viewer.id, name: valid, isPublic });
  }

  rename(viewer: Viewer | null, id: string, name: string): Promise<Playlist> {
    const valid = validPlaylistName(name);
    return this.change(viewer, id, (tx, playlist) => tx.save(Object.assign(playlist, { name: valid })));
  }

  setVisibility(viewer: Viewer | null, id: string, isPublic: boolean): Promise<Playlist> {
    return this.change(viewer, id, (tx, playlist) => tx.save(Object.assign(playlist, { isPublic })));
  }

  add(viewer: Viewer | null, id: string, episodeId: string): Promise<Playlist> {
    const episode = requireUuid('episodeId', episodeId);
    return this.change(viewer, id, async (tx, playlist) => {
      await this.known.requirePublishedEpisode(tx, episode);
      const [{ n, last, present }]: { n: number; last: number | null; present: boolean | null }[] = await tx.query(
        'SELECT count(*)::int AS n, max(position) AS last, bool_or(episode_id = $2) AS present FROM playlist_items WHERE playlist_id = $1',
        [playlist.id, episode],
      );
      if (present) throw conflict('This episode is already in the playlist', 'episodeId');
      if (n >= MAX_PLAYLIST_ITEMS) throw badInput(`A playlist holds at most ${MAX_PLAYLIST_ITEMS} episodes`, 'playlistId');
      await tx.query('INSERT INTO playlist_items (playlist_id, episode_id, position) VALUES ($1, $2, $3)', [playlist.id, episode, (last ?? -1) + 1]);
      return this.touch(tx, playlist);
    }, 'playlistId');
  }

  remove(viewer: Viewer | null, id: string, episodeId: string): Promise<Playlist> {
    const episode = requireUuid('episodeId', episodeId);
    return this.change(viewer, id, async (tx, playlist) => {
      const [, removed]: [unknown, number] = await tx.query('DELETE FROM playlist_items WHERE playlist_id = $1 AND episode_id = $2', [playlist.id, episode]);
      if (!removed) throw notFound('Episode in this playlist');
      return this.touch(tx, playlist);
    }, 'playlistId');
  }

  /**
   * `episodeIds` is the complete new order of the episodes the playlist shows (its published
   * ones); items hidden because catalog unpublished them keep their relative order after those.
   */
  reorder(viewer: Viewer | null, id: string, episodeIds: readonly string[]): Promise<Playlist> {
    const order = validOrder(episodeIds);
    return this.change(viewer, id, async (tx, playlist) => {
      const items: ItemRow[] = await tx.query(
        `SELECT i.episode_id, COALESCE(k.status = 'PUBLISHED', false) AS published FROM playlist_items i
         LEFT JOIN known_episodes k ON k.episode_id = i.episode_id WHERE i.playlist_id = $1 ORDER BY i.position`,
        [playlist.id],
      );
      const shown = new Set(items.filter((item) => item.published).map((item) => item.episode_id));
      if (order.length !== shown.size || !order.every((episode) => shown.has(episode))) {
        throw badInput('episodeIds must list every episode of the playlist exactly once', 'episodeIds');
      }
      const full = [...order, ...items.filter((item) => !item.published).map((item) => item.episode_id)];
      // the unique (playlist_id, position) constraint is deferred, so the whole permutation lands at once
      await tx.query(
        `UPDATE playlist_items SET position = o.position - 1
         FROM unnest($2::uuid[]) WITH ORDINALITY AS o(episode_id, position)
         WHERE playlist_items.playlist_id = $1 AND playlist_items.episode_id = o.episode_id`,
        [playlist.id, full],
      );
      return this.touch(tx, playlist);
    }, 'playlistId');
  }

  async delete(viewer: Viewer | null, id: string): Promise<string> {
    await this.change(viewer, id, async (tx, playlist) => {
      await tx.delete(Playlist, { id: playlist.id });
      return playlist;
    });
    return id.toLowerCase();
  }

  /** Runs `apply` on the viewer's own playlist, locked; others' private playlists do not exist. */
  private change(
    viewer: Viewer | null,
    id: string,
    apply: (tx: EntityManager, playlist: Playlist) => Promise<Playlist>,
    field: 'id' | 'playlistId' = 'id',
  ): Promise<Playlist> {
    if (!viewer) throw unauthenticated();
    const playlistId = requireUuid(field, id);
    return this.dataSource.transaction(async (tx) => {
      const playlist = await tx.findOne(Playlist, { where: { id: playlistId }, lock: { mode: 'pessimistic_write' } });
      if (!playlist || !canSeePlaylist(viewer, playlist)) throw notFound('Playlist');
      if (!ownsPlaylist(viewer, playlist)) throw forbidden('Only the owner can change a playlist');
      return apply(tx, playlist);
    });
  }

  /** Changing the items is a change of the playlist: updatedAt moves. */
  private async touch(tx: EntityManager, playlist: Playlist): Promise<Playlist> {
    playlist.updatedAt = new Date();
    return tx.save(playlist);
  }
}
