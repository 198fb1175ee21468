import type { Viewer } from '@wavegraph/auth';
import { badInput, unauthenticated, isUuid } from '@wavegraph/kit';
import type { DataSource } from 'typeorm';

/** At most this many ids per call; `all: true` covers the rest. */
export const MAX_MARK_IDS = 100;

export const notificationAddedTopic = (userId: string): string => `NOTIFICATION_ADDED:${userId.toLowerCase()}`;

/** What `notificationAdded` subscribers receive: the id, read back when resolved. */
export interface NotificationAddedEvent {
  notificationId: string;
}

/** The one write a user makes: marking their own notifications read. */
export class NotificationService {
  constructor(private readonly dataSource: DataSource) {}

  /** Exactly one of `ids` or `all: true`; returns how many were unread and are read now. Others' ids are ignored. */
  async markRead(viewer: Viewer | null, ids: readonly string[] | null | undefined, all: boolean | null | undefined): Promise<number> {
    if (!viewer) throw unauthenticated();
    const byIds = ids !== null && ids !== undefined;
    if (byIds === Boolean(all)) throw badInput('Give either ids or all: true', byIds ? 'all' : 'ids');
    if (!byIds) return this.marked('user_id = $1 AND read_at IS NULL', [viewer.id]);
    if (ids.length === 0 || ids.length > MAX_MARK_IDS) throw badInput(`ids must hold 1 to ${MAX_MARK_IDS} ids`, 'ids');
    if (!ids.every(isUuid)) throw badInput('ids must be notification ids', 'ids');
    return this.marked('user_id = $1 AND id = ANY($2::uuid[]) AND read_at IS NULL', [viewer.id, ids.map((id) => id.toLowerCase())]);
  }

  /** Marks the matching rows read and counts them (a SELECT, so the driver answers with plain rows). */
  private async marked(where: string, params: unknown[]): Promise<number> {
    const [{ n }]: { n: number }[] = await this.dataSource.query(
      `WITH marked AS (UPDATE notifications SET read_at = now() WHERE ${where} RETURNING 1) SELECT count(*)::int AS n FROM marked`,
      params,
    );
    return n;
  }
}
