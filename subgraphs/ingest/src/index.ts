export { ingestModule, createIngestModule } from './ingest.module';
export type { IngestServices } from './services';
export { startIngestWorker, type IngestWorker, type IngestWorkerOptions } from './worker/ingest.worker';
