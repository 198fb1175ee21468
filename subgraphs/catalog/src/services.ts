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
}

export type CatalogContext = Context<CatalogServices>;

export function createCatalogServices({ db, redisUrl, redisPrefix }: ServiceDeps): CatalogServices {
  const shows = new ShowService(db.dataSource);
  const publishing = new PublishQueue(redisUrl, redisPrefix);
  return {
    shows,
    episodes: new EpisodeService(db.dataSource, shows),
    workflow: new EpisodeWorkflow(db.dataSource, publishing),
    publishing,
  };
}
