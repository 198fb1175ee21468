import type { DataSource } from 'typeorm';

export interface EpisodeFacts {
  episodeId: string;
  showId: string;
  ownerId: string;
  status: string;
  durationSeconds: number | null;
}

/** What analytics knows of catalog and media from their events (known_* and episode_durations). */
export class CatalogFacts {
  constructor(private readonly dataSource: DataSource) {}

  async showOwner(showId: string): Promise<string | null> {
    const [row]: { owner_id: string }[] = await this.dataSource.query('SELECT owner_id FROM known_shows WHERE show_id = $1', [showId]);
    return row?.owner_id ?? null;
  }

  async episodeIdsOfShow(showId: string): Promise<string[]> {
    const rows: { episode_id: string }[] = await this.dataSource.query('SELECT episode_id FROM known_episodes WHERE show_id = $1', [showId]);
    return rows.map((r) => r.episode_id);
  }

  async episode(episodeId: string): Promise<EpisodeFacts | null> {
    const [row]: { episode_id: string; show_id: string; owner_id: string; status: string; duration_seconds: number | null }[] = await this.dataSource.query(
      `SELECT e.episode_id, e.show_id, e.owner_id, e.status, d.duration_seconds
       FROM known_episodes e LEFT JOIN episode_durations d USING (episode_id) WHERE e.episode_id = $1`,
      [episodeId],
    );
    return row ? { episodeId: row.episode_id, showId: row.show_id, ownerId: row.owner_id, status: row.status, durationSeconds: row.duration_seconds } : null;
  }

  async durationOf(episodeId: string): Promise<number | null> {
    const [row]: { duration_seconds: number }[] = await this.dataSource.query('SELECT duration_seconds FROM episode_durations WHERE episode_id = $1', [episodeId]);
    return row?.duration_seconds ?? null;
  }

  /** Of `episodeIds`, the published ones, in the given order. */
  async published(episodeIds: readonly string[]): Promise<string[]> {
    if (!episodeIds.length) return [];
    const rows: { episode_id: string }[] = await this.dataSource.query(
      "SELECT episode_id FROM known_episodes WHERE episode_id = ANY($1::uuid[]) AND status = 'PUBLISHED'",
      [episodeIds],
    );
    const published = new Set(rows.map((r) => r.episode_id));
    return episodeIds.filter((id) => published.has(id));
  }
}
