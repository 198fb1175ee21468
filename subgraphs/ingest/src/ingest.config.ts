import { tmpdir } from 'node:os';
import path from 'node:path';
import { envBool, envInt, envString } from '@wavegraph/kit';
import type { FetchPolicy } from './fetch/safe-fetch';
import type { RetryOptions } from './job/job.queue';
import type { ImportLimits } from './job/job.service';

/** INGEST_ALLOW_PRIVATE_NETWORKS (false), INGEST_FETCH_TIMEOUT_MS (15000), INGEST_MAX_FEED_BYTES (10 MiB). */
export const feedPolicyFromEnv = (): FetchPolicy => ({
  allowPrivateNetworks: envBool('INGEST_ALLOW_PRIVATE_NETWORKS', false),
  timeoutMs: envInt('INGEST_FETCH_TIMEOUT_MS', 15_000),
  maxBytes: envInt('INGEST_MAX_FEED_BYTES', 10 * 1024 * 1024),
  maxRedirects: 5,
});

/** INGEST_ATTEMPTS (4) and INGEST_BACKOFF_MS (30000, doubling). */
export const retryFromEnv = (): RetryOptions => ({ attempts: envInt('INGEST_ATTEMPTS', 4), backoffMs: envInt('INGEST_BACKOFF_MS', 30_000) });

/** INGEST_MIN_POLL_MINUTES (15), INGEST_MAX_OPML_FEEDS (100). */
export const limitsFromEnv = (): ImportLimits => ({ minPollMinutes: envInt('INGEST_MIN_POLL_MINUTES', 15), maxOpmlFeeds: envInt('INGEST_MAX_OPML_FEEDS', 100) });

/** Where the worker reaches catalog's subgraph directly: CATALOG_URL, else the gateway's SUBGRAPH_CATALOG_URL, else catalog's local port. */
export const catalogUrlFromEnv = (): string => envString('CATALOG_URL', envString('SUBGRAPH_CATALOG_URL', 'http://127.0.0.1:4002/graphql'));

export const USER_AGENT = envString('INGEST_USER_AGENT', 'Wavegraph-Ingest/0.1 (+feed import)');

export interface EnclosureSettings {
  /** Media's subgraph URL (MEDIA_URL): createUpload is called there. */
  mediaUrl: string;
  policy: FetchPolicy;
  /** Downloads at once (INGEST_DOWNLOAD_CONCURRENCY, default 2). */
  concurrency: number;
  retry: RetryOptions;
  workDir: string;
  /** Transcripts and chapters; default: extrasFromEnv(). */
  extras?: ExtrasSettings;
}

export interface ExtrasSettings {
  /** Largest transcript or chapters file fetched. */
  maxBytes: number;
  /** Tries while media is not READY (or away); delays double from backoffMs up to maxBackoffMs. */
  attempts: number;
  backoffMs: number;
  maxBackoffMs: number;
}

/**
 * INGEST_MAX_EXTRAS_BYTES (2 MiB), INGEST_EXTRAS_ATTEMPTS (20), INGEST_EXTRAS_BACKOFF_MS (2000),
 * INGEST_EXTRAS_MAX_BACKOFF_MS (60000): by default a transcript waits about 16 minutes for its
 * episode's media to be READY, then the job records a warning.
 */
export const extrasFromEnv = (): ExtrasSettings => ({
  maxBytes: envInt('INGEST_MAX_EXTRAS_BYTES', 2 * 1024 * 1024),
  attempts: envInt('INGEST_EXTRAS_ATTEMPTS', 20),
  backoffMs: envInt('INGEST_EXTRAS_BACKOFF_MS', 2_000),
  maxBackoffMs: envInt('INGEST_EXTRAS_MAX_BACKOFF_MS', 60_000),
});

/**
 * Null when INGEST_DOWNLOAD_ENCLOSURES=false (episodes are imported without media). Otherwise
 * INGEST_MAX_ENCLOSURE_BYTES (500 MiB), INGEST_DOWNLOAD_TIMEOUT_MS (10 min), INGEST_DOWNLOAD_ATTEMPTS (8),
 * INGEST_DOWNLOAD_BACKOFF_MS (2000, doubling), INGEST_WORK_DIR (a folder in the system's temp dir).
 */
export function enclosuresFromEnv(): EnclosureSettings | null {
  if (!envBool('INGEST_DOWNLOAD_ENCLOSURES', true)) return null;
  return {
    mediaUrl: envString('MEDIA_URL', envString('SUBGRAPH_MEDIA_URL', 'http://127.0.0.1:4005/graphql')),
    policy: { ...feedPolicyFromEnv(), maxBytes: envInt('INGEST_MAX_ENCLOSURE_BYTES', 500 * 1024 * 1024), timeoutMs: envInt('INGEST_DOWNLOAD_TIMEOUT_MS', 600_000) },
    concurrency: envInt('INGEST_DOWNLOAD_CONCURRENCY', 2),
    retry: { attempts: envInt('INGEST_DOWNLOAD_ATTEMPTS', 8), backoffMs: envInt('INGEST_DOWNLOAD_BACKOFF_MS', 2_000) },
    workDir: envString('INGEST_WORK_DIR', path.join(tmpdir(), 'wavegraph-ingest')),
    extras: extrasFromEnv(),
  };
}
