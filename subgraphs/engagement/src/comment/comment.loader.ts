import { byKeys, groupByKeys, pageSize, toPage, type Page, readTimeCursor } from '@wavegraph/kit';

import type { EngagementContext } from '../services';
import type { Comment } from './comment.entity';
import { commentCursor } from './comment.types';

/** Comments by id, for references (only those on published episodes). */
export async function resolveCommentReferences(ids: readonly string[], ctx: EngagementContext): Promise<(Comment | null)[]> {
  return byKeys(ids.map((id) => id.toLowerCase()), await ctx.services.commentQueries.findVisibleByIds(ids), (c) => c.id);
}

export function loadComment(ctx: EngagementContext, id: string): Promise<Comment | null> {
  return ctx.loaders
    .get<string, Comment | null>('comment:byId', async (ids) => byKeys(ids, await ctx.services.commentQueries.findByIds(ids), (c) => c.id))
    .load(id);
}

/** Top-level comments of an episode, batched with every episode asking for the same page. */
export async function loadEpisodeComments(ctx: EngagementContext, episodeId: string, first?: number | null, after?: string | null): Promise<Page<Comment>> {
  const size = pageSize(first);
  const cursor = readTimeCursor(after);
  const rows = await ctx.loaders
    .get<string, Comment[]>(`episode:comments:${size}:${after ?? ''}`, async (episodeIds) =>
      groupByKeys(episodeIds, await ctx.services.commentQueries.listTopLevel(episodeIds, size + 1, cursor), (c) => c.episodeId),
    )
    .load(episodeId.toLowerCase());
  return toPage(rows, size, commentCursor, cursor !== null);
}

export async function loadReplies(ctx: EngagementContext, parentId: string, first?: number | null, after?: string | null): Promise<Page<Comment>> {
  const size = pageSize(first);
  const cursor = readTimeCursor(after);
  const rows = await ctx.loaders
    .get<string, Comment[]>(`comment:replies:${size}:${after ?? ''}`, async (parentIds) =>
      groupByKeys(parentIds, await ctx.services.commentQueries.listReplies(parentIds, size + 1, cursor), (c) => c.parentId ?? ''),
    )
    .load(parentId);
  return toPage(rows, size, commentCursor, cursor !== null);
}

export function loadReplyCount(ctx: EngagementContext, parentId: string): Promise<number> {
  return ctx.loaders
    .get<string, number>('comment:replyCount', async (parentIds) => {
      const counts = await ctx.services.commentQueries.replyCounts(parentIds);
      return parentIds.map((id) => counts.get(id) ?? 0);
    })
    .load(parentId);
}
