import { byKeys, pageSize, toPage, type Page, readTimeCursor } from '@wavegraph/kit';

import type { EngagementContext } from '../services';
import type { PlayProgress } from './play.entity';
import { playCursor } from './play.types';

/** The viewer's progress in every episode of the request, one query. */
export function loadViewerProgress(ctx: EngagementContext, viewerId: string, episodeId: string): Promise<PlayProgress | null> {
  return ctx.loaders
    .get<string, PlayProgress | null>(`play:viewer:${viewerId}`, async (ids) =>
      byKeys(ids, await ctx.services.plays.findForEpisodes(viewerId, ids), (progress) => progress.episodeId),
    )
    .load(episodeId.toLowerCase());
}

/** A page of the viewer's own listening history (only ever one user per request, so no batching across users). */
export async function loadHistory(ctx: EngagementContext, userId: string, unfinished: boolean, first?: number | null, after?: string | null): Promise<Page<PlayProgress>> {
  const size = pageSize(first);
  const cursor = readTimeCursor(after);
  const rows = await ctx.loaders
    .get<string, PlayProgress[]>(`user:plays:${unfinished}:${size}:${after ?? ''}`, (userIds) =>
      Promise.all(userIds.map((id) => ctx.services.plays.list(id, unfinished, size + 1, cursor))),
    )
    .load(userId);
  return toPage(rows, size, playCursor, cursor !== null);
}
