import type { SubgraphModule } from '@wavegraph/kit';
import { Episode, EpisodeStatus } from './episode/episode.entity';
import { resolveEpisodeReferences } from './episode/episode.loader';
import { EpisodeImportResolver } from './episode/episode.import.resolver';
import { EpisodeResolver } from './episode/episode.resolver';
import { CreateCatalog1763700000000 } from './migrations/1763700000000-CreateCatalog';
import { CreateCatalogOutbox1763800000000 } from './migrations/1763800000000-CreateCatalogOutbox';
import { EventLog1765000000000 } from './migrations/1765000000000-EventLog';
import { ScheduledIndex1765200000000 } from './migrations/1765200000000-ScheduledIndex';
import { Feeds1766400000000 } from './migrations/1766400000000-Feeds';
import { ShowSubcategory1766820000000 } from './migrations/1766820000000-ShowSubcategory';
import { PremiumEpisodes1766850000000 } from './migrations/1766850000000-PremiumEpisodes';
import { feedRoutes } from './feed/feed.routes';
import { PrivateFeedResolver } from './private-feed/private-feed.resolver';
import { createCatalogServices, type CatalogOptions, type CatalogServices } from './services';
import { Show } from './show/show.entity';
import { loadShow } from './show/show.loader';
import { ShowResolver } from './show/show.resolver';
import { UserResolver } from './user/user.resolver';
import { userRef } from './user/user.type';

/** The catalog subgraph: shows, episodes, their publishing workflow and podcast feeds. */
export const createCatalogModule = (options: CatalogOptions = {}): SubgraphModule<CatalogServices> => ({
  name: 'catalog',
  resolvers: [ShowResolver, EpisodeResolver, EpisodeImportResolver, UserResolver, PrivateFeedResolver],
  entities: [Show, Episode],
  migrations: [
    CreateCatalog1763700000000,
    CreateCatalogOutbox1763800000000,
    EventLog1765000000000,
    ScheduledIndex1765200000000,
    Feeds1766400000000,
    ShowSubcategory1766820000000,
    PremiumEpisodes1766850000000,
  ],
  createServices: (deps) => createCatalogServices(deps, options),
  routes: (app, services) => feedRoutes(app, services.feeds),
  references: {
    Show: (ids, ctx) => Promise.all(ids.map((id) => loadShow(ctx, id))),
    Episode: resolveEpisodeReferences,
    // identity owns users; catalog only needs the id to resolve User.shows
    User: async (ids) => ids.map(userRef),
  },
  // an episode not yet (or no longer) published is seen by its owner and staff only: never shared by a cache
  viewerDependent: {
    Episode: (episode) => (episode as Episode).status !== EpisodeStatus.PUBLISHED,
  },
  eventLog: (services) => services.events.log!,
  ready: async (services) => {
    await services.publishing.ping();
    return services.events.ping();
  },
  stopServices: async (services) => {
    await services.events.stop();
    await services.publishing.close();
  },
});

export const catalogModule = createCatalogModule();
