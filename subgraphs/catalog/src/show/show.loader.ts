import { byKeys } from '@wavegraph/kit';
import type { CatalogContext } from '../services';
import type { Show } from './show.entity';

/** Every lookup of a show by id in one request shares one batched query (Episode.show, references). */
export function loadShow(ctx: CatalogContext, id: string): Promise<Show | null> {
  return ctx.loaders
    .get<string, Show | null>('show:byId', async (ids) => byKeys(ids, await ctx.services.shows.findByIds(ids), (show) => show.id))
    .load(id);
}
