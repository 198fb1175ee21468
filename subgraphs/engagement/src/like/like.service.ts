import type { Viewer } from '@wavegraph/auth';
import { EpisodeLiked, EpisodeUnliked, recordEvent } from '@wavegraph/events';
import { isUuid, modifyReturning, requireUuid, type SubgraphPubSub, type TimeCursor, unauthenticated } from '@wavegraph/kit';
import type { DataSource, Repository } from 'typeorm';

import { newestFirst } from '../common/order';
import type { EpisodeStatsService } from '../episode/episode-stats.service';
import type { KnownCatalog } from '../known/known.service';
import { Like } from './like.entity';

/** One topic per episode, so a subscriber hears only its episode. */
export const likeCountTopic = (episodeId: string): string => `EPISODE_LIKE_COUNT:${episodeId}`;

/** What `episodeLikeCountChanged` subscribers receive: the episode, whose count is read when resolved. */
export interface LikeCountChangedEvent {
  episodeId: string;
}

/** Likes: idempotent both ways; only a real change moves the counter and emits an event. */
export class LikeService {
  readonly repo: Repository<Like>;

  constructor(
    private readonly dataSource: DataSource,
    private readonly known: KnownCatalog,
    private readonly stats: EpisodeStatsService,
    private readonly pubSub: SubgraphPubSub,
  ) {
    this.repo = dataSource.getRepository(Like);
  }

  /** After the commit, and only when the count moved; live updates never hold up the mutation. */
  private changed(episodeId: string): void {
    const event: LikeCountChangedEvent = { episodeId };
    void this.pubSub.publish(likeCountTopic(episodeId), event);
  }

  /** Returns the episode id; liking an episode already liked changes nothing. */
  async like(viewer: Viewer | null, episodeId: string): Promise<string> {
    if (!viewer) throw unauthenticated();
    const id = requireUuid('episodeId', episodeId);
    const liked = await this.dataSource.transaction(async (tx) => {
      await this.known.requirePublishedEpisode(tx, id);
      const inserted: { created_at: Date }[] = await tx.query(
        'INSERT INTO likes (user_id, episode_id) VALUES ($1, $2) ON CONFLICT DO NOTHING RETURNING created_at',
        [viewer.id, id],
      );
      if (!inserted.length) return false;
      await this.stats.add(tx, id, 'like_count', 1);
      await recordEvent(tx, EpisodeLiked, id, { episodeId: id, userId: viewer.id, likedAt: inserted[0].created_at.toISOString() });
      return true;
    });
    if (liked) this.changed(id);
    return id;
  }

  async unlike(viewer: Viewer | null, episodeId: string): Promise<string> {
    if (!viewer) throw unauthenticated();
    const id = requireUuid('episodeId', episodeId);
    const unliked = await this.dataSource.transaction(async (tx) => {
      await this.known.requireKnownEpisode(tx, id);
      const deleted = await modifyReturning(tx, 'DELETE FROM likes WHERE user_id = $1 AND episode_id = $2 RETURNING episode_id', [viewer.id, id]);
      if (!deleted.length) return false;
      await this.stats.add(tx, id, 'like_count', -1);
      await recordEvent(tx, EpisodeUnliked, id, { episodeId: id, userId: viewer.id });
      return true;
    });
    if (unliked) this.changed(id);
    return id;
  }

  /** Which of `episodeIds` the user liked, one query. */
  async likedAmong(userId: string, episodeIds: readonly string[]): Promise<Set<string>> {
    const ids = episodeIds.filter(isUuid).map((id) => id.toLowerCase());
    if (!ids.length) return new Set();
    const rows: { episode_id: string }[] = await this.repo.query(
      'SELECT episode_id FROM likes WHERE user_id = $1 AND episode_id = ANY($2::uuid[])',
      [userId, ids],
    );
    return new Set(rows.map((row) => row.episode_id));
  }

  /** Liked, still published episodes of many users, newest like first, `limit` per user, one query. */
  async listForUsers(userIds: readonly string[], limit: number, cursor: TimeCursor | null): Promise<Like[]> {
    const users = userIds.filter(isUuid);
    if (!users.length) return [];
    const after = cursor ? 'AND (l.created_at, l.episode_id) < (:at, :id)' : '';
    const rows = await this.repo
      .createQueryBuilder('lk')
      .where(
        `(lk.user_id, lk.episode_id) IN (SELECT user_id, episode_id FROM (
          SELECT l.user_id, l.episode_id, row_number() OVER (PARTITION BY l.user_id ORDER BY l.created_at DESC, l.episode_id DESC) AS rank
          FROM likes l JOIN known_episodes k ON k.episode_id = l.episode_id AND k.status = 'PUBLISHED'
          WHERE l.user_id IN (:...users) ${after}) ranked WHERE rank <= :limit)`,
        { users, limit, ...cursor },
      )
      .getMany();
    return rows.sort(newestFirst((like) => ({ at: like.createdAt, id: like.episodeId })));
  }
}
