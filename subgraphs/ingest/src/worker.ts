// first: tracing instruments http, pg, ioredis and the rest as they load (see @wavegraph/telemetry)
import { startTelemetry } from '@wavegraph/telemetry';
startTelemetry('ingest-worker');
import 'reflect-metadata';
import { defaultDatabaseUrl, envInt, envString, gatewaySecret, jobLocksFromEnv, redisUrl, runWorker } from '@wavegraph/kit';
import { catalogUrlFromEnv, enclosuresFromEnv, feedPolicyFromEnv, retryFromEnv, USER_AGENT } from './ingest.config';
import { startIngestWorker } from './worker/ingest.worker';

/**
 * The ingest worker process (beside the ingest subgraph): fetches feeds, imports them through
 * catalog's API (CATALOG_URL) with the gateway secret, hands enclosures to media (MEDIA_URL),
 * and runs each source's polls; health on
 * INGEST_WORKER_PORT. On SIGTERM/SIGINT running imports finish first.
 */
void runWorker('ingest-worker', 4017, (logger, metrics) =>
  startIngestWorker({
    databaseUrl: defaultDatabaseUrl('ingest'),
    redisUrl: redisUrl(),
    prefix: envString('REDIS_PREFIX', 'wavegraph'),
    catalogUrl: catalogUrlFromEnv(),
    gatewaySecret: gatewaySecret(),
    fetchPolicy: feedPolicyFromEnv(),
    userAgent: USER_AGENT,
    retry: retryFromEnv(),
    enclosures: enclosuresFromEnv(),
    concurrency: envInt('INGEST_WORKER_CONCURRENCY', 2),
    catalogConcurrency: envInt('INGEST_CATALOG_CONCURRENCY', 4),
    locks: jobLocksFromEnv('INGEST_WORKER'),
    logger,
    metrics,
  }),
);
