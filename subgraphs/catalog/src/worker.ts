import 'reflect-metadata';
import { createLogger, defaultDatabaseUrl, envString, redisUrl, stopOnSignals } from '@wavegraph/kit';
import { startPublishWorker } from './publishing/publish.worker';

/** The scheduled-publishing worker process (run beside the catalog subgraph). */
const log = createLogger('catalog-worker');
startPublishWorker({
  databaseUrl: defaultDatabaseUrl('catalog'),
  redisUrl: redisUrl(),
  prefix: envString('REDIS_PREFIX', 'wavegraph'),
  concurrency: Number(envString('CATALOG_PUBLISH_CONCURRENCY', '4')),
  logger: log,
}).then(
  (worker) => {
    log.info('catalog publish worker ready');
    stopOnSignals(log, worker.close);
  },
  (error: unknown) => {
    log.fatal({ err: error }, 'catalog publish worker failed to start');
    process.exit(1);
  },
);
