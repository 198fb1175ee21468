import type { Viewer } from '@wavegraph/auth';
import { PlayRecorded, recordEvent } from '@wavegraph/events';
import { isUuid, requireUuid, unauthenticated, type TimeCursor } from '@wavegraph/kit';
import type { DataSource, Repository } from 'typeorm';

import type { EpisodeStatsService } from '../episode/episode-stats.service';
import type { KnownCatalog } from '../known/known.service';
import { PlayProgress } from './play.entity';
import { validClientApp, validPosition } from './play.validation';

export interface RecordPlayInput {
  episodeId: string;
  positionSeconds: number;
  completed: boolean;
  /** The player reporting (e.g. "Wavegraph Web 2.1"); carried on PlayRecorded for analytics. */
  clientApp?: string | null;
}

interface ProgressRow {
  position_seconds: number;
  completed: boolean;
  updated_at: Date;
  counted: boolean;
}

/**
 * Upserts the listener's position. A report counts as a play (play_count + 1) when it is the
 * first for that listener and episode, or the previous report is more than 30 minutes old: a
 * new listening session. `counted_at` is set to the transaction's now() exactly when the play
 * counts, so the statement itself says whether it counted, with the row locked by the upsert.
 */
const UPSERT = `
  INSERT INTO play_progress (user_id, episode_id, position_seconds, completed) VALUES ($1, $2, $3, $4)
  ON CONFLICT (user_id, episode_id) DO UPDATE SET
    position_seconds = EXCLUDED.position_seconds,
    completed = EXCLUDED.completed,
    updated_at = now(),
    counted_at = CASE WHEN play_progress.updated_at < now() - interval '30 minutes' THEN now() ELSE play_progress.counted_at END
  RETURNING position_seconds, completed, updated_at, counted_at = now() AS counted`;

export class PlayService {
  readonly repo: Repository<PlayProgress>;

  constructor(
    private readonly dataSource: DataSource,
    private readonly known: KnownCatalog,
    private readonly stats: EpisodeStatsService,
  ) {
    this.repo = dataSource.getRepository(PlayProgress);
  }

  async record(viewer: Viewer | null, input: RecordPlayInput): Promise<PlayProgress> {
    if (!viewer) throw unauthenticated();
    const episodeId = requireUuid('episodeId', input.episodeId);
    const positionSeconds = validPosition(input.positionSeconds);
    const clientApp = validClientApp(input.clientApp);
    return this.dataSource.transaction(async (tx) => {
      await this.known.requirePublishedEpisode(tx, episodeId);
      const [row]: ProgressRow[] = await tx.query(UPSERT, [viewer.id, episodeId, positionSeconds, input.completed]);
      if (row.counted) await this.stats.add(tx, episodeId, 'play_count', 1);
      await recordEvent(tx, PlayRecorded, episodeId, { episodeId, userId: viewer.id, positionSeconds, completed: input.completed, counted: row.counted, ...(clientApp ? { clientApp } : {}) });
      return this.repo.create({ userId: viewer.id, episodeId, positionSeconds: row.position_seconds, completed: row.completed, updatedAt: row.updated_at });
    });
  }

  /** The user's progress in each of `episodeIds`, one query. */
  findForEpisodes(userId: string, episodeIds: readonly string[]): Promise<PlayProgress[]> {
    const ids = episodeIds.filter(isUuid).map((id) => id.toLowerCase());
    if (!ids.length) return Promise.resolve([]);
    return this.repo.createQueryBuilder('p').where('p.user_id = :userId AND p.episode_id IN (:...ids)', { userId, ids }).getMany();
  }

  /** Most recently played first, only episodes still published; `unfinished` is "continue listening". */
  list(userId: string, unfinished: boolean, limit: number, cursor: TimeCursor | null): Promise<PlayProgress[]> {
    const qb = this.repo
      .createQueryBuilder('p')
      .innerJoin('known_episodes', 'k', "k.episode_id = p.episode_id AND k.status = 'PUBLISHED'")
      .where('p.user_id = :userId', { userId });
    if (unfinished) qb.andWhere('NOT p.completed');
    if (cursor) qb.andWhere('(p.updated_at, p.episode_id) < (:at, :id)', cursor);
    return qb.orderBy('p.updated_at', 'DESC').addOrderBy('p.episode_id', 'DESC').limit(limit).getMany();
  }
}
