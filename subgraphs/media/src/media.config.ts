import path from 'node:path';
import { type Plan, secretFromEnv } from '@wavegraph/auth';
import { envInt, envString } from '@wavegraph/kit';

/**
 * What one user may hold at once on a plan. Pending: uploads created and neither finished nor
 * expired, cancelled or rejected; stored: finished uploads whose asset is not deleted. 0 turns a
 * cap off. Staff (EDITOR, ADMIN) have no caps.
 */
export interface PlanQuota {
  pendingUploads: number;
  pendingBytes: number;
  storedBytes: number;
}

export type UploadQuotas = Record<Plan, PlanQuota>;

const GiB = 1024 ** 3;

/** Every cap off: for tests that upload far more than a person would (quota specs set theirs). */
export const NO_UPLOAD_QUOTAS: UploadQuotas = {
  FREE: { pendingUploads: 0, pendingBytes: 0, storedBytes: 0 },
  PREMIUM: { pendingUploads: 0, pendingBytes: 0, storedBytes: 0 },
};

/** MEDIA_QUOTA_<PLAN>_PENDING_UPLOADS, _PENDING_BYTES, _STORED_BYTES; defaults FREE 2 / 1 GiB / 5 GiB, PREMIUM 10 / 20 GiB / 200 GiB. */
export function uploadQuotasFromEnv(): UploadQuotas {
  const plan = (name: Plan, defaults: PlanQuota): PlanQuota => {
    const read = (setting: string, fallback: number): number => {
      const value = envInt(`MEDIA_QUOTA_${name}_${setting}`, fallback);
      if (value < 0) throw new Error(`MEDIA_QUOTA_${name}_${setting} must be 0 (no cap) or more`);
      return value;
    };
    return {
      pendingUploads: read('PENDING_UPLOADS', defaults.pendingUploads),
      pendingBytes: read('PENDING_BYTES', defaults.pendingBytes),
      storedBytes: read('STORED_BYTES', defaults.storedBytes),
    };
  };
  return {
    FREE: plan('FREE', { pendingUploads: 2, pendingBytes: 1 * GiB, storedBytes: 5 * GiB }),
    PREMIUM: plan('PREMIUM', { pendingUploads: 10, pendingBytes: 20 * GiB, storedBytes: 200 * GiB }),
  };
}

/**
 * 64 MiB: every PATCH costs a round trip through the gateway and a lock, an offset check and a
 * file open on media, so a chunk should take far longer to send than that (a third of a second at
 * 200 MB/s against a few milliseconds); yet it stays below the 100 MB request bodies that common
 * proxies and CDNs allow. Smaller chunks buy nothing here: media keeps the bytes of a PATCH that
 * is cut off, so a resumed upload starts where the connection dropped, not at the chunk's start.
 */
export const DEFAULT_UPLOAD_CHUNK_BYTES = 64 * 1024 * 1024;

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
  /**
   * Bytes per PATCH the upload ticket tells clients to send (tus-js-client `chunkSize`); default
   * DEFAULT_UPLOAD_CHUNK_BYTES (64 MiB), MEDIA_UPLOAD_CHUNK_BYTES. Optional so configurations built
   * elsewhere stay valid.
   */
  uploadChunkBytes?: number;
  /** How often abandoned uploads and retired objects are swept (optional so configurations built elsewhere stay valid). */
  uploadCleanupSeconds?: number;
  /**
   * How long a replaced object (a re-muxed rendition, a replaced transcript, a replaced source's
   * outputs) stays in storage, so signed URLs issued before the swap play until they expire.
   * Default: playbackTtlSeconds + 120 (expiries round up to the minute; stable URLs' redirects
   * are cached for 60 s); MEDIA_RETIRED_GRACE_SECONDS; 0 removes them at once. Optional so
   * configurations built elsewhere stay valid: read it through retiredGraceSecondsOf.
   */
  retiredGraceSeconds?: number;
  /** Per-plan caps on what a user's uploads reserve and store. */
  quotas: UploadQuotas;
  /**
   * Largest chunk of a recording session (MEDIA_RECORDING_MAX_CHUNK_BYTES, default 5 MiB); and how
   * long a session may go without a chunk before it is abandoned (MEDIA_RECORDING_TTL_SECONDS,
   * default 1 hour). Optional so configurations built elsewhere stay valid: read them through recordingLimitsOf.
   */
  recordingMaxChunkBytes?: number;
  recordingTtlSeconds?: number;
  s3?: { endpoint?: string; region: string; bucket: string; accessKeyId?: string; secretAccessKey?: string; forcePathStyle: boolean };
}

/** The grace of retired objects (MediaConfig.retiredGraceSeconds, resolved). */
export const retiredGraceSecondsOf = (config: Pick<MediaConfig, 'retiredGraceSeconds' | 'playbackTtlSeconds'>): number =>
  config.retiredGraceSeconds ?? config.playbackTtlSeconds + 120;

export const DEFAULT_RECORDING_MAX_CHUNK_BYTES = 5 * 1024 * 1024;
export const DEFAULT_RECORDING_TTL_SECONDS = 3600;

/** The recording settings of a configuration, defaults filled in. */
export const recordingLimitsOf = (config: Pick<MediaConfig, 'recordingMaxChunkBytes' | 'recordingTtlSeconds'>): { maxChunkBytes: number; ttlSeconds: number } => ({
  maxChunkBytes: config.recordingMaxChunkBytes ?? DEFAULT_RECORDING_MAX_CHUNK_BYTES,
  ttlSeconds: config.recordingTtlSeconds ?? DEFAULT_RECORDING_TTL_SECONDS,
});

export function uploadChunkBytesFromEnv(): number {
  const bytes = envInt('MEDIA_UPLOAD_CHUNK_BYTES', DEFAULT_UPLOAD_CHUNK_BYTES);
  // a GraphQL Int carries it
  if (bytes < 1 || bytes > 2 ** 31 - 1) throw new Error('MEDIA_UPLOAD_CHUNK_BYTES must be between 1 and 2147483647');
  return bytes;
}

function positive(name: string, fallback: number): number {
  const value = envInt(name, fallback);
  if (value < 1) throw new Error(`${name} must be 1 or more`);
  return value;
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
    ...(process.env.MEDIA_RETIRED_GRACE_SECONDS ? { retiredGraceSeconds: envInt('MEDIA_RETIRED_GRACE_SECONDS', 0) } : {}),
    uploadChunkBytes: uploadChunkBytesFromEnv(),
    quotas: uploadQuotasFromEnv(),
    recordingMaxChunkBytes: positive('MEDIA_RECORDING_MAX_CHUNK_BYTES', DEFAULT_RECORDING_MAX_CHUNK_BYTES),
    recordingTtlSeconds: positive('MEDIA_RECORDING_TTL_SECONDS', DEFAULT_RECORDING_TTL_SECONDS),
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
