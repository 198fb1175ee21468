import { byKeys } from '@wavegraph/kit';
import type { MediaContext } from '../services';
import { type ChapterSet, chapterSetsOf } from './chapter.store';

/** The chapters of every episode in the response, one query. */
export function loadChapterSet(ctx: MediaContext, episodeId: string): Promise<ChapterSet | null> {
  return ctx.loaders
    .get<string, ChapterSet | null>('episode:chapters', async (ids) => byKeys(ids, await chapterSetsOf(ctx.services.dataSource, ids), (set) => set.episodeId))
    .load(episodeId.toLowerCase());
}
