import type { Viewer } from '@wavegraph/auth';
import { recordEvent, ShowFollowed, ShowUnfollowed } from '@wavegraph/events';
import { isUuid, modifyReturning, requireUuid, type TimeCursor, unauthenticated } from '@wavegraph/kit';
import { In, type DataSource, type EntityManager, type Repository } from 'typeorm';

import { newestFirst } from '../common/order';
import type { KnownCatalog } from '../known/known.service';
import { ShowStats } from '../show/show-stats.entity';
import { Follow } from './follow.entity';

/** Follows: idempotent both ways; only a real change moves the counter and emits an event. */
export class FollowService {
  readonly repo: Repository<Follow>;
  private readonly stats: Repository<ShowStats>;

  constructor(
    private readonly dataSource: DataSource,
    private readonly known: KnownCatalog,
  ) {
    this.repo = dataSource.getRepository(Follow);
    this.stats = dataSource.getRepository(ShowStats);
  }

  async follow(viewer: Viewer | null, showId: string): Promise<string> {
    if (!viewer) throw unauthenticated();
    const id = requireUuid('showId', showId);
    await this.dataSource.transaction(async (tx) => {
      await this.known.requireKnownShow(tx, id);
      const inserted: unknown[] = await tx.query(
        'INSERT INTO follows (user_id, show_id) VALUES ($1, $2) ON CONFLICT DO NOTHING RETURNING show_id',
        [viewer.id, id],
      );
      if (!inserted.length) return;
      await this.addFollowers(tx, id, 1);
      await recordEvent(tx, ShowFollowed, id, { showId: id, userId: viewer.id });
    });
    return id;
  }

  async unfollow(viewer: Viewer | null, showId: string): Promise<string> {
    if (!viewer) throw unauthenticated();
    const id = requireUuid('showId', showId);
    await this.dataSource.transaction(async (tx) => {
      await this.known.requireKnownShow(tx, id);
      const deleted = await modifyReturning(tx, 'DELETE FROM follows WHERE user_id = $1 AND show_id = $2 RETURNING show_id', [viewer.id, id]);
      if (!deleted.length) return;
      await this.addFollowers(tx, id, -1);
      await recordEvent(tx, ShowUnfollowed, id, { showId: id, userId: viewer.id });
    });
    return id;
  }

  findStats(showIds: readonly string[]): Promise<ShowStats[]> {
    const ids = showIds.filter(isUuid).map((id) => id.toLowerCase());
    return ids.length ? this.stats.findBy({ showId: In(ids) }) : Promise.resolve([]);
  }

  async followedAmong(userId: string, showIds: readonly string[]): Promise<Set<string>> {
    const ids = showIds.filter(isUuid).map((id) => id.toLowerCase());
    if (!ids.length) return new Set();
    const rows: { show_id: string }[] = await this.repo.query('SELECT show_id FROM follows WHERE user_id = $1 AND show_id = ANY($2::uuid[])', [userId, ids]);
    return new Set(rows.map((row) => row.show_id));
  }

  /** Shows many users follow, most recent follow first, `limit` per user, one query. */
  async listForUsers(userIds: readonly string[], limit: number, cursor: TimeCursor | null): Promise<Follow[]> {
    const users = userIds.filter(isUuid);
    if (!users.length) return [];
    const after = cursor ? 'AND (created_at, show_id) < (:at, :id)' : '';
    const rows = await this.repo
      .createQueryBuilder('f')
      .where(
        `(f.user_id, f.show_id) IN (SELECT user_id, show_id FROM (
          SELECT user_id, show_id, row_number() OVER (PARTITION BY user_id ORDER BY created_at DESC, show_id DESC) AS rank
          FROM follows WHERE user_id IN (:...users) ${after}) ranked WHERE rank <= :limit)`,
        { users, limit, ...cursor },
      )
      .getMany();
    return rows.sort(newestFirst((follow) => ({ at: follow.createdAt, id: follow.showId })));
  }

  private async addFollowers(tx: EntityManager, showId: string, delta: 1 | -1): Promise<void> {
    await tx.query(
      `INSERT INTO show_stats (show_id, follower_count) VALUES ($1, GREATEST($2, 0))
       ON CONFLICT (show_id) DO UPDATE SET follower_count = show_stats.follower_count + $2`,
      [showId, delta],
    );
  }
}
