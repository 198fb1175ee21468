import { groupByKeys, pageSize, toPage, type Page, encodeTimeCursor, readTimeCursor } from '@wavegraph/kit';

import type { EngagementContext } from '../services';
import type { Like } from './like.entity';

export const likeCursor = (like: Like): string => encodeTimeCursor(like.createdAt, like.episodeId);

/** Whether the viewer liked each episode of the request, one query. */
export function loadViewerLiked(ctx: EngagementContext, viewerId: string, episodeId: string): Promise<boolean> {
  return ctx.loaders
    .get<string, boolean>(`like:viewer:${viewerId}`, async (ids) => {
      const liked = await ctx.services.likes.likedAmong(viewerId, ids);
      return ids.map((id) => liked.has(id));
    })
    .load(episodeId.toLowerCase());
}

/** A page of a user's likes, batched with every other user asking for the same page. */
export async function loadUserLikes(ctx: EngagementContext, userId: string, first?: number | null, after?: string | null): Promise<Page<Like>> {
  const size = pageSize(first);
  const cursor = readTimeCursor(after);
  const rows = await ctx.loaders
    .get<string, Like[]>(`user:likes:${size}:${after ?? ''}`, async (userIds) =>
      groupByKeys(userIds, await ctx.services.likes.listForUsers(userIds, size + 1, cursor), (like) => like.userId),
    )
    .load(userId.toLowerCase());
  return toPage(rows, size, likeCursor, cursor !== null);
}
