import type { DataSource } from 'typeorm';
import { LIKE_WEIGHT } from '../activity/activity.projection';
import { episodeRef } from '../episode/episode.type';
import { WINDOWS, type TrendingEpisode, type TrendingWindow } from './trending.types';

/*
 * Hourly buckets that overlap the window, each decayed by its age (a bucket from the future,
 * a producer's clock running ahead, counts as now). Only published episodes of known shows;
 * a bucket's likes can be net negative only transiently, so the score is floored at > 0.
 */
const TRENDING = `
  WITH scored AS (
    SELECT a.episode_id AS id,
      sum((a.plays + $4 * a.likes) * exp(-ln(2) * greatest(0, extract(epoch FROM now() - a.bucket)::float8) / ($2 * 3600.0))) AS score
    FROM episode_activity a
    JOIN episode_docs e ON e.episode_id = a.episode_id AND e.status = 'PUBLISHED'
    JOIN show_docs s ON s.show_id = e.show_id
    WHERE a.bucket > now() - make_interval(hours => $1 + 1)
    GROUP BY a.episode_id
  )
  SELECT id, score::float8 AS score FROM scored WHERE score > 0 ORDER BY score DESC, id LIMIT $3`;

/** Episodes people play and like now, with recent activity weighing more than old. */
export class TrendingService {
  constructor(private readonly dataSource: DataSource) {}

  async trending(window: TrendingWindow, size: number): Promise<TrendingEpisode[]> {
    const { hours, halfLifeHours } = WINDOWS[window];
    const rows: { id: string; score: number }[] = await this.dataSource.query(TRENDING, [hours, halfLifeHours, size, LIKE_WEIGHT]);
    return rows.map((row) => ({ episode: episodeRef(row.id), score: Number(row.score) }));
  }
}
