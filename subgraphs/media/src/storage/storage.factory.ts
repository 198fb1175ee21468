import { createReadStream } from 'node:fs';
import path from 'node:path';
import type { DataStore } from '@tus/server';
import type { MediaConfig } from '../media.config';
import type { StagedReader } from '../upload/upload.hashes';
import { FilesystemStorage } from './filesystem.storage';
import { StagingFileStore } from './staging.file-store';
import type { MediaStorage } from './storage.port';

/*
 * The one place that picks the storage adapters. The S3 modules are loaded only when chosen,
 * so a filesystem deployment never loads the AWS SDK.
 */

/** Where filesystem storage keeps objects and the tus file store keeps uploads in progress. */
export const storageDir = (config: Pick<MediaConfig, 'dataDir'>): string => path.join(config.dataDir, 'storage');
export const uploadsDir = (config: Pick<MediaConfig, 'dataDir'>): string => path.join(config.dataDir, 'uploads');

export function createStorage(config: MediaConfig): MediaStorage {
  if (config.storage === 'filesystem') return new FilesystemStorage(storageDir(config));
  const { S3Storage } = loadS3<typeof import('./s3.storage')>('./s3.storage');
  if (!config.s3) throw new Error('MEDIA_STORAGE=s3 needs the MEDIA_S3_* settings');
  return new S3Storage(config.s3);
}

/** The tus datastore uploads are staged in until they are complete and verified. */
export function createUploadStore(config: MediaConfig): DataStore {
  if (config.storage === 'filesystem') {
    // the store's own expiry matches ours, so tus answers 410 and sends Upload-Expires by itself
    return new StagingFileStore({ directory: uploadsDir(config), expirationPeriodInMilliseconds: config.uploadTtlSeconds * 1000 });
  }
  const { createS3TusStore } = loadS3<typeof import('./s3.tus-store')>('./s3.tus-store');
  return createS3TusStore(config);
}

/**
 * Reads back the first bytes of an upload in progress (to rebuild its hash on another replica):
 * the file store's own file; S3 keeps parts remotely, so there a finish reads the object instead.
 */
export function stagedReader(config: MediaConfig): StagedReader {
  if (config.storage !== 'filesystem') return () => null;
  return (id, bytes) => createReadStream(path.join(uploadsDir(config), id), { start: 0, end: bytes - 1 });
}

function loadS3<T>(module: './s3.storage' | './s3.tus-store'): T {
  try {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    return require(module) as T;
  } catch (error) {
    const missing = (error as { code?: string }).code === 'MODULE_NOT_FOUND' && String((error as Error).message).includes(module.slice(2));
    if (missing) throw new Error('S3 storage not available');
    throw error;
  }
}
