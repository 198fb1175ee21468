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

/** Where the worker reaches catalog's subgraph directly (CATALOG_URL). */
export const catalogUrlFromEnv = (): string => envString('CATALOG_URL', 'http://127.0.0.1:4002/graphql');

export const USER_AGENT = envString('INGEST_USER_AGENT', 'Wavegraph-Ingest/0.1 (+feed import)');
