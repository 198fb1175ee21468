import 'reflect-metadata';
import { createLogger, defaultDatabaseUrl, envInt, envString, redisUrl, startHealthServer, stopOnSignals } from '@wavegraph/kit';
import { startPublishWorker } from './publishing/publish.worker';

/** The scheduled-publishing worker process (run beside the catalog subgraph). */
const log = createLogger('catalog-worker');
startPublishWorker({
  databaseUrl: defaultDatabaseUrl('catalog'),
  redisUrl: redisUrl(),
  prefix: envString('REDIS_PREFIX', 'wavegraph'),
  concurrency: Number(envString('CATALOG_PUBLISH_CONCURRENCY', '4')),
  logger: log,
})
  .then(async (worker) => {
    // /health and /ready of its own: the worker serves no other HTTP
    const health = await startHealthServer({
      name: 'catalog-worker',
      port: envInt('CATALOG_WORKER_PORT', 4012),
      host: envString('HOST', '127.0.0.1'),
      checks: worker.checks,
      log,
    });
    log.info({ url: health.url }, 'catalog publish worker ready');
    stopOnSignals(log, () => worker.close().finally(() => health.close()));
  })
  // also a health port already in use: better to fail than to run unobservable
  .catch((error: unknown) => {
    log.fatal({ err: error }, 'catalog publish worker failed to start');
    process.exit(1);
  });
