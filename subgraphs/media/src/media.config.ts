import path from 'node:path';
import { secretFromEnv } from '@wavegraph/auth';
import { envInt, envString } from '@wavegraph/kit';

export interface MediaConfig {
  storage: 'filesystem' | 's3';
  /** Filesystem storage root and tus upload directory live below this. */
  dataDir: string;
  /** The origin clients reach uploads and playback through (the gateway's). */
  publicUrl: string;
  /** HMAC key for upload tokens and playback URLs. */
  signingSecret: string;
  maxUploadBytes: number;
  uploadTtlSeconds: number;
  playbackTtlSeconds: number;
  /** How often abandoned uploads are swept (optional so configurations built elsewhere stay valid). */
  uploadCleanupSeconds?: number;
  s3?: { endpoint?: string; region: string; bucket: string; accessKeyId?: string; secretAccessKey?: string; forcePathStyle: boolean };
}

export function mediaConfigFromEnv(): MediaConfig {
  const signingSecret = secretFromEnv('MEDIA_SIGNING_SECRET');
  const storage = envString('MEDIA_STORAGE', 'filesystem');
  if (storage !== 'filesystem' && storage !== 's3') throw new Error('MEDIA_STORAGE must be filesystem or s3');
  return {
    storage,
    dataDir: path.resolve(envString('MEDIA_DIR', path.join(process.cwd(), 'var', 'media'))),
    publicUrl: envString('MEDIA_PUBLIC_URL', 'http://localhost:4000').replace(/\/$/, ''),
    signingSecret,
    maxUploadBytes: envInt('MEDIA_MAX_UPLOAD_BYTES', 2 * 1024 ** 3),
    uploadTtlSeconds: envInt('MEDIA_UPLOAD_TTL_SECONDS', 24 * 3600),
    playbackTtlSeconds: envInt('MEDIA_PLAYBACK_TTL_SECONDS', 3600),
    uploadCleanupSeconds: envInt('MEDIA_UPLOAD_CLEANUP_SECONDS', 300),
    s3:
      storage === 's3'
        ? {
            endpoint: process.env.MEDIA_S3_ENDPOINT,
            region: envString('MEDIA_S3_REGION', 'us-east-1'),
            bucket: envString('MEDIA_S3_BUCKET', 'wavegraph-media'),
            accessKeyId: process.env.MEDIA_S3_ACCESS_KEY_ID,
            secretAccessKey: process.env.MEDIA_S3_SECRET_ACCESS_KEY,
            forcePathStyle: envString('MEDIA_S3_FORCE_PATH_STYLE', 'true') === 'true',
          }
        : undefined,
  };
}
