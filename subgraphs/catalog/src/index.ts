export { catalogModule } from './catalog.module';
export type { CatalogServices } from './services';
export { startPublishWorker, type PublishWorker, type PublishWorkerOptions } from './publishing/publish.worker';
export { PUBLISH_QUEUE, publishJobId, type PublishJobData } from './publishing/publish.queue';
export { EpisodeStatus } from './episode/episode.entity';
export { SHOW_CATEGORIES, type ShowCategory } from './show/show.validation';
