import type { SubgraphModule } from '@wavegraph/kit';
import { BrowseResolver } from './browse/browse.resolver';
import { episodeRef } from './episode/episode.type';
import { LikePosition1763900000000 } from './migrations/1763900000000-LikePosition';
import { CreateDiscovery1763800000000 } from './migrations/1763800000000-CreateDiscovery';
import { EventLog1765000000000 } from './migrations/1765000000000-EventLog';
import { Transcripts1766100000000 } from './migrations/1766100000000-Transcripts';
import { TranscriptWords1766150000000 } from './migrations/1766150000000-TranscriptWords';
import { ShowSubcategory1766820000001 } from './migrations/1766820000001-ShowSubcategory';
import { EpisodeAccess1766850000002 } from './migrations/1766850000002-EpisodeAccess';
import { SearchResolver } from './search/search.resolver';
import { createDiscoveryServices, stopDiscoveryServices, type DiscoveryServices } from './services';
import { showRef } from './show/show.type';
import { SimilarResolver } from './similar/similar.resolver';
import { TrendingResolver } from './trending/trending.resolver';

/**
 * The discovery subgraph: a read model (search, trending, browse, "listeners also liked")
 * built only from catalog, engagement and media (transcript) events. Its tables are written by raw SQL upserts
 * and ranked queries, so it maps no TypeORM entities.
 */
export const discoveryModule: SubgraphModule<DiscoveryServices> = {
  name: 'discovery',
  resolvers: [SearchResolver, TrendingResolver, BrowseResolver, SimilarResolver],
  entities: [],
  migrations: [CreateDiscovery1763800000000, LikePosition1763900000000, EventLog1765000000000, Transcripts1766100000000, TranscriptWords1766150000000, ShowSubcategory1766820000001, EpisodeAccess1766850000002],
  createServices: createDiscoveryServices,
  references: {
    // catalog owns both; discovery contributes no fields, a reference is just the id
    Episode: async (ids) => ids.map(episodeRef),
    Show: async (ids) => ids.map(showRef),
  },
  ready: async (services) => {
    await services.redis.ping();
    return services.events.ping();
  },
  stopServices: stopDiscoveryServices,
};
