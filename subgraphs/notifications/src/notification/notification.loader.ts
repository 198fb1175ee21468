import { byKeys, filterVisible, pageSize, readTimeCursor, toPage, type Page } from '@wavegraph/kit';
import { episodeVisibility } from '../episode/episode.visibility';
import type { NotificationsContext } from '../services';
import type { Notification } from './notification.entity';
import { INBOX_PAGE_SIZE, notificationCursor } from './notification.types';

/** A user's inbox page, one query for every user asked about with the same arguments. */
export async function loadInbox(ctx: NotificationsContext, userId: string, first: number | null | undefined, after: string | null | undefined, unreadOnly: boolean): Promise<Page<Notification>> {
  const size = pageSize(first, INBOX_PAGE_SIZE);
  const cursor = readTimeCursor(after);
  const rows = await ctx.loaders
    .get<string, Notification[]>(`inbox:${unreadOnly}:${size}:${after ?? ''}`, async (userIds) => {
      const found = await ctx.services.queries.listForUsers(userIds, size + 1, cursor, unreadOnly);
      return userIds.map((id) => found.filter((n) => n.userId === id.toLowerCase()));
    })
    .load(userId);
  const page = toPage(rows, size, notificationCursor, cursor !== null);
  // hidden ones leave the page, not the cursors: the next page still starts after them
  const edges = await filterVisible(ctx, episodeVisibility, page.edges, (edge) => edge.node.episodeId);
  return { ...page, edges };
}

export async function loadUnreadCount(ctx: NotificationsContext, userId: string): Promise<number> {
  return ctx.loaders
    .get<string, number>('inbox:unread', async (userIds) => {
      const groups = await ctx.services.queries.unreadCounts(userIds);
      // only notifications the inbox would show count (one check for every episode involved)
      const shown = await filterVisible(ctx, episodeVisibility, groups, (group) => group.episodeId);
      return userIds.map((id) => shown.filter((group) => group.userId === id.toLowerCase()).reduce((sum, group) => sum + group.count, 0));
    })
    .load(userId);
}

export function loadNotification(ctx: NotificationsContext, id: string): Promise<Notification | null> {
  return ctx.loaders
    .get<string, Notification | null>('notification:byId', async (ids) => byKeys(ids, await ctx.services.queries.findByIds(ids), (n) => n.id))
    .load(id);
}
