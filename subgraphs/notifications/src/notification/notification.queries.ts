import { isUuid, type TimeCursor } from '@wavegraph/kit';
import type { DataSource, Repository } from 'typeorm';
import { Notification } from './notification.entity';

const uuids = (ids: readonly string[]): string[] => ids.filter(isUuid).map((id) => id.toLowerCase());

/** Reading inboxes; every read is one query however many users or notifications are asked for. */
export class NotificationQueries {
  readonly repo: Repository<Notification>;

  constructor(dataSource: DataSource) {
    this.repo = dataSource.getRepository(Notification);
  }

  /** Newest first, `limit` per user (the window-function trick: no query per user, no OFFSET). */
  async listForUsers(userIds: readonly string[], limit: number, cursor: TimeCursor | null, unreadOnly: boolean): Promise<Notification[]> {
    const users = uuids(userIds);
    if (!users.length) return [];
    const after = cursor ? 'AND (created_at, id) < (:at, :id)' : '';
    const unread = unreadOnly ? 'AND read_at IS NULL' : '';
    const rows = await this.repo
      .createQueryBuilder('n')
      .where(
        `n.id IN (SELECT id FROM (
          SELECT id, row_number() OVER (PARTITION BY user_id ORDER BY created_at DESC, id DESC) AS rank
          FROM notifications WHERE user_id IN (:...users) ${unread} ${after}) ranked WHERE rank <= :limit)`,
        { users, limit, ...cursor },
      )
      .getMany();
    return rows.sort((a, b) => b.createdAt.getTime() - a.createdAt.getTime() || (a.id < b.id ? 1 : -1));
  }

  /** Unread notifications per user and episode (null: not about an episode), so hidden episodes can be left out. */
  async unreadCounts(userIds: readonly string[]): Promise<{ userId: string; episodeId: string | null; count: number }[]> {
    const users = uuids(userIds);
    if (!users.length) return [];
    const rows: { user_id: string; episode_id: string | null; n: number }[] = await this.repo.query(
      'SELECT user_id, episode_id, count(*)::int AS n FROM notifications WHERE user_id = ANY($1::uuid[]) AND read_at IS NULL GROUP BY user_id, episode_id',
      [users],
    );
    return rows.map((row) => ({ userId: row.user_id, episodeId: row.episode_id, count: row.n }));
  }

  findByIds(ids: readonly string[]): Promise<Notification[]> {
    const valid = uuids(ids);
    return valid.length ? this.repo.createQueryBuilder('n').where('n.id IN (:...valid)', { valid }).getMany() : Promise.resolve([]);
  }

  /** The notifications these events created (none for an event that was a repeat). */
  async createdBy(eventIds: readonly string[]): Promise<{ id: string; userId: string }[]> {
    const rows: { id: string; user_id: string }[] = await this.repo.query(
      'SELECT id, user_id FROM notifications WHERE source_event_id = ANY($1::uuid[]) ORDER BY created_at, id',
      [eventIds],
    );
    return rows.map((row) => ({ id: row.id, userId: row.user_id }));
  }
}
