import type { DataSource } from 'typeorm';
import { EpisodeAccess, EpisodeStatus, type EpisodeType } from '../episode/episode.entity';
import type { Person } from '../person/person.types';
import { Show } from '../show/show.entity';

/** A rendition as MediaReady described it. */
export interface FeedRendition {
  name: string;
  mimeType: string;
  sizeBytes: number;
}

/** A published episode whose media is READY, with what catalog learned of that media. */
export interface FeedItemRow {
  id: string;
  guid: string | null;
  title: string;
  description: string;
  season_number: number | null;
  episode_number: number | null;
  published_at: Date;
  episode_type: EpisodeType;
  explicit: boolean | null;
  people: Person[];
  access: EpisodeAccess;
  duration_seconds: number | null;
  renditions: FeedRendition[];
  transcript_language: string | null;
  chapters_count: number;
}

export interface FeedData {
  show: Show;
  items: FeedItemRow[];
  /** When anything a feed shows last changed: the show, any of its episodes (a removal too) or their media facts. */
  lastModified: Date;
}

/**
 * Everything one show's feed shows, in three queries; null for an unknown slug or a show with
 * nothing published yet. Items are the PUBLISHED episodes whose media is READY, newest first;
 * PREMIUM ones only in a private feed (`premium`).
 */
export async function loadFeedData(dataSource: DataSource, slug: string, premium = false): Promise<FeedData | null> {
  const show = await dataSource.getRepository(Show).findOneBy({ slug });
  if (!show) return null;
  const [changed] = (await dataSource.query(
    `SELECT count(*) FILTER (WHERE e.status = $2)::int AS published,
            GREATEST($3::timestamptz, max(e.updated_at), max(m.updated_at)) AS last_modified
       FROM episodes e LEFT JOIN feed_media m ON m.episode_id = e.id
      WHERE e.show_id = $1`,
    [show.id, EpisodeStatus.PUBLISHED, show.updatedAt],
  )) as { published: number; last_modified: Date | null }[];
  if (!changed.published) return null;
  const items = (await dataSource.query(
    `SELECT e.id, e.guid, e.title, e.description, e.season_number, e.episode_number, e.published_at, e.episode_type, e.explicit, e.people, e.access,
            m.duration_seconds, m.renditions, m.transcript_language, m.chapters_count
       FROM episodes e JOIN feed_media m ON m.episode_id = e.id AND m.asset_id IS NOT NULL
      WHERE e.show_id = $1 AND e.status = $2 AND (e.access = $3 OR $4)
      ORDER BY e.published_at DESC, e.id DESC`,
    [show.id, EpisodeStatus.PUBLISHED, EpisodeAccess.PUBLIC, premium],
  )) as FeedItemRow[];
  return { show, items, lastModified: changed.last_modified ?? show.updatedAt };
}
