import { KnownEpisode, KnownShow } from '@wavegraph/events';
import type { SubgraphModule } from '@wavegraph/kit';
import { Episode, episodeRef } from './episode/episode.type';
import { CreateAnalytics1766500000000 } from './migrations/1766500000000-CreateAnalytics';
import { PendingQueuedAt1766820000002 } from './migrations/1766820000002-PendingQueuedAt';
import { EpisodeRecommendationResolver, ForYouResolver } from './recommendation/recommendation.resolver';
import { EpisodeAnalyticsResolver, EpisodeFiguresResolver, ShowAnalyticsResolver, ShowFiguresResolver } from './report/report.resolver';
import { createAnalyticsServices, stopAnalyticsServices, type AnalyticsServices } from './services';
import { Show, showRef } from './show/show.type';

/**
 * The analytics subgraph: a read model on ClickHouse fed only by events (catalog's shows and
 * episodes, engagement's play heartbeats, media's durations and enclosure requests). It adds
 * `analytics` to Show and Episode for their owners and staff, and recommendations from who
 * listened to what.
 */
export const analyticsModule: SubgraphModule<AnalyticsServices> = {
  name: 'analytics',
  resolvers: [ShowAnalyticsResolver, EpisodeAnalyticsResolver, ShowFiguresResolver, EpisodeFiguresResolver, EpisodeRecommendationResolver, ForYouResolver],
  // Show is reached only through the field analytics adds to it
  orphanedTypes: [Show, Episode],
  entities: [KnownEpisode, KnownShow],
  migrations: [CreateAnalytics1766500000000, PendingQueuedAt1766820000002],
  createServices: createAnalyticsServices,
  references: {
    Show: async (ids) => ids.map(showRef),
    Episode: async (ids) => ids.map(episodeRef),
  },
  ready: async (services) => {
    await services.store.ping();
    return services.events.ping();
  },
  stopServices: stopAnalyticsServices,
};
