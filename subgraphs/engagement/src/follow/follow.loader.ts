import { byKeys, groupByKeys, pageSize, toPage, type Page, readTimeCursor } from '@wavegraph/kit';

import type { EngagementContext } from '../services';
import type { ShowStats } from '../show/show-stats.entity';
import type { Follow } from './follow.entity';
import { followCursor } from './follow.types';

export function loadShowStats(ctx: EngagementContext, showId: string): Promise<ShowStats | null> {
  return ctx.loaders
    .get<string, ShowStats | null>('show:stats', async (ids) => byKeys(ids, await ctx.services.follows.findStats(ids), (row) => row.showId))
    .load(showId.toLowerCase());
}

export function loadViewerFollows(ctx: EngagementContext, viewerId: string, showId: string): Promise<boolean> {
  return ctx.loaders
    .get<string, boolean>(`follow:viewer:${viewerId}`, async (ids) => {
      const followed = await ctx.services.follows.followedAmong(viewerId, ids);
      return ids.map((id) => followed.has(id));
    })
    .load(showId.toLowerCase());
}

export async function loadFollowing(ctx: EngagementContext, userId: string, first?: number | null, after?: string | null): Promise<Page<Follow>> {
  const size = pageSize(first);
  const cursor = readTimeCursor(after);
  const rows = await ctx.loaders
    .get<string, Follow[]>(`user:following:${size}:${after ?? ''}`, async (userIds) =>
      groupByKeys(userIds, await ctx.services.follows.listForUsers(userIds, size + 1, cursor), (follow) => follow.userId),
    )
    .load(userId.toLowerCase());
  return toPage(rows, size, followCursor, cursor !== null);
}
