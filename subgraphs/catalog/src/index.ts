export { catalogModule, createCatalogModule } from './catalog.module';
export type { CatalogOptions } from './services';
export { feedConfigFromEnv, type FeedConfig } from './feed/feed.config';
export type { CatalogServices } from './services';
export { startPublishWorker, type PublishWorker, type PublishWorkerOptions } from './publishing/publish.worker';
export { PUBLISH_QUEUE, publishJobId, type PublishJobData } from './publishing/publish.queue';
export { EpisodeStatus } from './episode/episode.entity';
export { SHOW_CATEGORIES, type ShowCategory } from './show/show.validation';
