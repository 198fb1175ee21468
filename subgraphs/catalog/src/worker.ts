// first: tracing instruments http, pg, ioredis and the rest as they load (see @wavegraph/telemetry)
import { startTelemetry } from '@wavegraph/telemetry';
startTelemetry('catalog-worker');
import 'reflect-metadata';
import { defaultDatabaseUrl, envInt, envString, jobLocksFromEnv, redisUrl, runWorker } from '@wavegraph/kit';
import { startPublishWorker } from './publishing/publish.worker';

/**
 * The scheduled-publishing worker process (run beside the catalog subgraph); health on
 * CATALOG_WORKER_PORT. Job locks from CATALOG_WORKER_LOCK_MS, _LOCK_RENEW_MS,
 * _STALLED_INTERVAL_MS, _MAX_STALLED_COUNT; reconciliation every CATALOG_WORKER_RECONCILE_SECONDS.
 */
void runWorker('catalog-worker', 4012, (logger, metrics) =>
  startPublishWorker({
    databaseUrl: defaultDatabaseUrl('catalog'),
    redisUrl: redisUrl(),
    prefix: envString('REDIS_PREFIX', 'wavegraph'),
    concurrency: Number(envString('CATALOG_PUBLISH_CONCURRENCY', '4')),
    locks: jobLocksFromEnv('CATALOG_WORKER'),
    reconcileIntervalMs: envInt('CATALOG_WORKER_RECONCILE_SECONDS', 30) * 1000,
    logger,
    metrics,
  }),
);
