export { createMediaModule, mediaModule } from './media.module';
export type { ManagedStarter, MediaOptions, MediaServices, StarterFactory } from './services';
export { createStorage, createUploadStore } from './storage/storage.factory';
export { expireUploads } from './upload/upload.cleanup';
export { mediaConfigFromEnv, type MediaConfig } from './media.config';
export { startMediaWorker, type MediaWorker } from './processing/processing.worker';
