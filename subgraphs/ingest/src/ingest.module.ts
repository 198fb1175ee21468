import { canManage } from '@wavegraph/auth';
import { byKeys, type SubgraphModule } from '@wavegraph/kit';
import { IngestJob } from './job/job.entity';
import { IngestJobResolver } from './job/job.resolver';
import { INGEST_MIGRATIONS } from './migrations';
import { ingestServicesFactory, type IngestServices, type IngestSettings } from './services';
import { showRef } from './show/show.type';
import { FeedSource, IngestItem } from './source/source.entity';

/**
 * The ingest subgraph: imports RSS/Atom/YouTube feeds for their owner through catalog's and
 * media's APIs (the worker does the fetching and importing), polls them, and tells how each run went.
 */
export function createIngestModule(settings: IngestSettings = {}): SubgraphModule<IngestServices> {
  return {
    name: 'ingest',
    resolvers: [IngestJobResolver],
    entities: [FeedSource, IngestItem, IngestJob],
    migrations: INGEST_MIGRATIONS,
    createServices: ingestServicesFactory(settings),
    references: {
      IngestJob: async (ids, ctx) => {
        const rows = await ctx.services.jobs.findByIds(ids.map((id) => id.toLowerCase()));
        return byKeys(ids.map((id) => id.toLowerCase()), rows, (job) => job.id).map((job) => (job && canManage(ctx.viewer, job.ownerId) ? job : null));
      },
      Show: async (ids) => ids.map(showRef),
    },
    eventLog: (services) => services.events.log!,
    ready: (services) => services.events.ping(),
    stopServices: async (services) => {
      await services.events.stop();
      await services.queue.close();
    },
  };
}

export const ingestModule = createIngestModule();
