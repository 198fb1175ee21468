import { isUuid } from '@wavegraph/kit';
import { In, type DataSource, type EntityManager, type Repository } from 'typeorm';
import { EpisodeStats, type EpisodeCounter } from './episode-stats.entity';

/** Reads and moves the per-episode counters. */
export class EpisodeStatsService {
  readonly repo: Repository<EpisodeStats>;

  constructor(dataSource: DataSource) {
    this.repo = dataSource.getRepository(EpisodeStats);
  }

  findByIds(ids: readonly string[]): Promise<EpisodeStats[]> {
    const valid = ids.filter(isUuid).map((id) => id.toLowerCase());
    return valid.length ? this.repo.findBy({ episodeId: In(valid) }) : Promise.resolve([]);
  }

  /** Inside the caller's transaction; the row is created on the first change of the episode. */
  async add(tx: EntityManager, episodeId: string, counter: EpisodeCounter, delta: 1 | -1): Promise<void> {
    await tx.query(
      `INSERT INTO episode_stats (episode_id, ${counter}) VALUES ($1, GREATEST($2, 0))
       ON CONFLICT (episode_id) DO UPDATE SET ${counter} = episode_stats.${counter} + $2`,
      [episodeId, delta],
    );
  }
}
