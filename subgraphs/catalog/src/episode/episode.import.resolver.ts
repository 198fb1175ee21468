import { Arg, Ctx, Directive, ID, Mutation, Resolver } from 'type-graphql';
import type { CatalogContext } from '../services';
import { ImportedEpisode, ImportEpisodeInput, MAX_IMPORT_EPISODES } from './episode.import.types';

@Resolver(() => ImportedEpisode)
export class EpisodeImportResolver {
  @Directive(`@listSize(assumedSize: ${MAX_IMPORT_EPISODES})`)
  @Mutation(() => [ImportedEpisode], {
    description: `The show's owner, EDITOR or ADMIN: creates up to ${MAX_IMPORT_EPISODES} episodes of a feed in one transaction, idempotent by guid; returned in input order. Rows are validated like createEpisode: one bad row refuses the whole call (nothing written) with extensions.row, its index in episodes`,
  })
  importEpisodes(
    @Arg('showId', () => ID) showId: string,
    @Arg('episodes', () => [ImportEpisodeInput]) episodes: ImportEpisodeInput[],
    @Ctx() ctx: CatalogContext,
  ): Promise<ImportedEpisode[]> {
    return ctx.services.imports.importMany(ctx.viewer, showId, episodes);
  }
}
