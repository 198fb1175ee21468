import { S3Store, type Options as S3StoreOptions } from '@tus/s3-store';
import type { MediaConfig } from '../media.config';
import { s3ClientConfig } from './s3.storage';

/** What the upload layer may tune beyond MediaConfig (tests use a small part size, several instances share a cache). */
export type S3TusStoreOptions = Partial<Pick<S3StoreOptions, 'partSize' | 'maxConcurrentPartUploads' | 'cache' | 'useTags'>>;

/** tus parts of 8 MiB: each PATCH is split into parts of this size, buffered on local disk until uploaded. */
const DEFAULT_PART_SIZE = 8 * 1024 * 1024;

/**
 * The tus datastore for `MEDIA_STORAGE=s3`: each upload is an S3 multipart upload in the media bucket, so the
 * finished file is one object under the upload id, visible only once complete (like the media storage).
 * Same bucket and client settings as S3Storage, so a MinIO endpoint works for both.
 *
 * Upload ids are object keys at the bucket's top level (plus `<id>.info` and, while a chunk is shorter than
 * S3's 5 MiB part minimum, `<id>.part`); media keys live under `assets/`, so the two never collide.
 */
export function createS3TusStore(config: Pick<MediaConfig, 's3' | 'uploadTtlSeconds'>, options: S3TusStoreOptions = {}): S3Store {
  if (!config.s3) throw new Error('MEDIA_STORAGE=s3 needs the MEDIA_S3_* settings');
  return new S3Store({
    partSize: options.partSize ?? DEFAULT_PART_SIZE,
    maxConcurrentPartUploads: options.maxConcurrentPartUploads,
    // the default in-memory cache is per process; with several media replicas pass a shared one (e.g. Redis)
    cache: options.cache,
    useTags: options.useTags,
    // tus expiry (Upload-Expires) and deleteExpired() follow the same TTL as the file store's uploads
    expirationPeriodInMilliseconds: config.uploadTtlSeconds * 1000,
    s3ClientConfig: { ...s3ClientConfig(config.s3), bucket: config.s3.bucket },
  });
}
