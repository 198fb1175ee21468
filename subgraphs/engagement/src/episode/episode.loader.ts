import { byKeys } from '@wavegraph/kit';
import type { EngagementContext } from '../services';
import type { EpisodeStats } from './episode-stats.entity';

/** The counters of every episode in the request, one query (likeCount, playCount, commentCount share it). */
export function loadEpisodeStats(ctx: EngagementContext, episodeId: string): Promise<EpisodeStats | null> {
  return ctx.loaders
    .get<string, EpisodeStats | null>('episode:stats', async (ids) =>
      byKeys(ids, await ctx.services.stats.findByIds(ids), (row) => row.episodeId),
    )
    .load(episodeId.toLowerCase());
}
