import type { DataSource } from 'typeorm';
import { episodeRef } from '../episode/episode.type';
import type { SimilarEpisode } from './similar.types';

/** However popular an episode, its neighbours are computed from this many of its strongest listeners. */
export const MAX_LISTENERS = 1000;

/*
 * Co-engagement: other published episodes that the episode's listeners (likes and counted
 * plays, weight > 0) also engaged with, by number of shared listeners, then by the strength
 * of the weaker of the two ties.
 */
const SIMILAR = `
  WITH listeners AS (
    SELECT user_id, weight FROM listener_affinity
    WHERE episode_id = $1 AND weight > 0
    ORDER BY weight DESC, user_id LIMIT $3
  )
  SELECT b.episode_id AS id, count(*)::int AS shared, sum(least(l.weight, b.weight))::int AS strength
  FROM listeners l
  JOIN listener_affinity b ON b.user_id = l.user_id AND b.episode_id <> $1 AND b.weight > 0
  JOIN episode_docs e ON e.episode_id = b.episode_id AND e.status = 'PUBLISHED'
  JOIN show_docs s ON s.show_id = e.show_id
  GROUP BY b.episode_id
  ORDER BY shared DESC, strength DESC, id
  LIMIT $2`;

export class SimilarService {
  constructor(private readonly dataSource: DataSource) {}

  async similar(episodeId: string, size: number): Promise<SimilarEpisode[]> {
    const rows: { id: string; shared: number }[] = await this.dataSource.query(SIMILAR, [episodeId, size, MAX_LISTENERS]);
    return rows.map((row) => ({ episode: episodeRef(row.id), sharedListeners: row.shared }));
  }
}
