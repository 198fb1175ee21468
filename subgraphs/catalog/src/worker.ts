// first: tracing instruments http, pg, ioredis and the rest as they load (see @wavegraph/telemetry)
import { startTelemetry } from '@wavegraph/telemetry';
startTelemetry('catalog-worker');
import 'reflect-metadata';
import { defaultDatabaseUrl, envString, redisUrl, runWorker } from '@wavegraph/kit';
import { startPublishWorker } from './publishing/publish.worker';

/** The scheduled-publishing worker process (run beside the catalog subgraph); health on CATALOG_WORKER_PORT. */
void runWorker('catalog-worker', 4012, (logger, metrics) =>
  startPublishWorker({
    databaseUrl: defaultDatabaseUrl('catalog'),
    redisUrl: redisUrl(),
    prefix: envString('REDIS_PREFIX', 'wavegraph'),
    concurrency: Number(envString('CATALOG_PUBLISH_CONCURRENCY', '4')),
    logger,
    metrics,
  }),
);
