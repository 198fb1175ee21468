import { EventBackbone } from '@wavegraph/events';
import type { Context, ServiceDeps } from '@wavegraph/kit';
import { EpisodeService } from './episode/episode.service';
import { EpisodeWorkflow } from './episode/episode.workflow';
import { PublishQueue } from './publishing/publish.queue';
import { ShowService } from './show/show.service';

export interface CatalogServices {
  shows: ShowService;
  episodes: EpisodeService;
  workflow: EpisodeWorkflow;
  publishing: PublishQueue;
  events: EventBackbone;
}

export type CatalogContext = Context<CatalogServices>;

export async function createCatalogServices({ db, log, redis, redisPrefix, metrics }: ServiceDeps): Promise<CatalogServices> {
  const shows = new ShowService(db.dataSource);
  const publishing = new PublishQueue(redis, redisPrefix);
  const events = await EventBackbone.start({ dataSource: db.dataSource, redis, prefix: redisPrefix, log, produces: 'catalog', metrics });
  return {
    events,
    shows,
    episodes: new EpisodeService(db.dataSource, shows),
    workflow: new EpisodeWorkflow(db.dataSource, publishing),
    publishing,
  };
}
