import type { Viewer } from '@wavegraph/auth';
import { isUuid, notFound, requireUuid, type TimeCursor } from '@wavegraph/kit';
import type { DataSource, Repository } from 'typeorm';

import { newestFirst } from '../common/order';
import { Playlist, PlaylistItem } from './playlist.entity';
import { canSeePlaylist } from './playlist.policy';

/** Items show while catalog says their episode is published (they come back if it is re-published). */
const PUBLISHED_ITEMS = "playlist_items i JOIN known_episodes k ON k.episode_id = i.episode_id AND k.status = 'PUBLISHED'";

/** Reading playlists as the viewer may see them. */
export class PlaylistQueries {
  readonly repo: Repository<Playlist>;
  private readonly items: Repository<PlaylistItem>;

  constructor(dataSource: DataSource) {
    this.repo = dataSource.getRepository(Playlist);
    this.items = dataSource.getRepository(PlaylistItem);
  }

  async get(viewer: Viewer | null, id: string): Promise<Playlist> {
    const playlist = await this.repo.findOneBy({ id: requireUuid('id', id) });
    if (!playlist || !canSeePlaylist(viewer, playlist)) throw notFound('Playlist');
    return playlist;
  }

  async findVisibleByIds(viewer: Viewer | null, ids: readonly string[]): Promise<Playlist[]> {
    const valid = ids.filter(isUuid).map((id) => id.toLowerCase());
    if (!valid.length) return [];
    const rows = await this.repo.createQueryBuilder('p').where('p.id IN (:...valid)', { valid }).getMany();
    return rows.filter((playlist) => canSeePlaylist(viewer, playlist));
  }

  /** Playlists of many users, newest first, `limit` per user; private ones only for their owner. One query. */
  async listForOwners(viewer: Viewer | null, ownerIds: readonly string[], limit: number, cursor: TimeCursor | null): Promise<Playlist[]> {
    const owners = ownerIds.filter(isUuid);
    if (!owners.length) return [];
    const after = cursor ? 'AND (created_at, id) < (:at, :id)' : '';
    const rows = await this.repo
      .createQueryBuilder('p')
      .where(
        `p.id IN (SELECT id FROM (
          SELECT id, row_number() OVER (PARTITION BY owner_id ORDER BY created_at DESC, id DESC) AS rank
          FROM playlists WHERE owner_id IN (:...owners) AND (is_public OR owner_id = :viewerId) ${after}) ranked WHERE rank <= :limit)`,
        { owners, limit, viewerId: viewer?.id ?? null, ...cursor },
      )
      .getMany();
    return rows.sort(newestFirst((playlist) => ({ at: playlist.createdAt, id: playlist.id })));
  }

  /** The shown items of many playlists in playlist order, `limit` per playlist, one query. */
  async listItems(playlistIds: readonly string[], limit: number, afterPosition: number | null): Promise<PlaylistItem[]> {
    if (!playlistIds.length) return [];
    const after = afterPosition === null ? '' : 'AND i.position > :afterPosition';
    const rows = await this.items
      .createQueryBuilder('item')
      .where(
        `(item.playlist_id, item.episode_id) IN (SELECT playlist_id, episode_id FROM (
          SELECT i.playlist_id, i.episode_id, row_number() OVER (PARTITION BY i.playlist_id ORDER BY i.position) AS rank
          FROM ${PUBLISHED_ITEMS} WHERE i.playlist_id IN (:...playlistIds) ${after}) ranked WHERE rank <= :limit)`,
        { playlistIds, limit, afterPosition },
      )
      .getMany();
    return rows.sort((a, b) => a.position - b.position);
  }

  async countItems(playlistIds: readonly string[]): Promise<Map<string, number>> {
    if (!playlistIds.length) return new Map();
    const rows: { playlist_id: string; n: number }[] = await this.repo.query(
      `SELECT i.playlist_id, count(*)::int AS n FROM ${PUBLISHED_ITEMS} WHERE i.playlist_id = ANY($1::uuid[]) GROUP BY i.playlist_id`,
      [playlistIds],
    );
    return new Map(rows.map((row) => [row.playlist_id, row.n]));
  }
}
