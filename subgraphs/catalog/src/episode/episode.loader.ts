import { groupByKeys, pageSize, toPage, type Page, encodeTimeCursor, readTimeCursor } from '@wavegraph/kit';

import type { CatalogContext } from '../services';
import { loadShow } from '../show/show.loader';
import { episodeSortTime, type Episode } from './episode.entity';
import { canSeeEpisode } from './episode.policy';

export const episodeCursor = (episode: Episode): string => encodeTimeCursor(episodeSortTime(episode), episode.id);

/**
 * A page of one show's episodes, batched with every other show asking for the same page in this
 * request (one query per distinct first/after/visibility, however many shows are listed).
 */
export async function loadShowEpisodes(
  ctx: CatalogContext,
  showId: string,
  includeUnpublished: boolean,
  first: number | null | undefined,
  after: string | null | undefined,
): Promise<Page<Episode>> {
  const size = pageSize(first);
  const cursor = readTimeCursor(after);
  const name = `show:episodes:${includeUnpublished ? 'all' : 'published'}:${size}:${after ?? ''}`;
  const rows = await ctx.loaders
    .get<string, Episode[]>(name, async (showIds) =>
      groupByKeys(showIds, await ctx.services.episodes.listForShows(showIds, includeUnpublished, size + 1, cursor), (e) => e.showId),
    )
    .load(showId);
  return toPage(rows, size, episodeCursor, cursor !== null);
}

/** Batched Episode references; episodes the viewer may not see resolve to null. */
export async function resolveEpisodeReferences(ids: readonly string[], ctx: CatalogContext): Promise<(Episode | null)[]> {
  const rows = await ctx.services.episodes.findByIds(ids);
  const byId = new Map(rows.map((episode) => [episode.id, episode]));
  const ownerOf = async (showId: string) => (await loadShow(ctx, showId))?.ownerId ?? null;
  return Promise.all(
    ids.map(async (id) => {
      const episode = byId.get(id.toLowerCase());
      return episode && (await canSeeEpisode(ctx.viewer, episode, ownerOf)) ? episode : null;
    }),
  );
}
