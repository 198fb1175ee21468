import 'reflect-metadata';
import { createLogger, defaultDatabaseUrl, envInt, envString, redisUrl, startHealthServer, stopOnSignals } from '@wavegraph/kit';
import { startMediaWorker } from './processing/processing.worker';

/**
 * The media processing worker process (run beside the media subgraph, as many as the CPUs
 * allow). Its sandboxed processors read storage settings (MEDIA_STORAGE, MEDIA_DIR,
 * MEDIA_S3_*) from the environment they inherit.
 */
const log = createLogger('media-worker');
startMediaWorker({
  databaseUrl: defaultDatabaseUrl('media'),
  redisUrl: redisUrl(),
  prefix: envString('REDIS_PREFIX', 'wavegraph'),
  concurrency: envInt('MEDIA_WORKER_CONCURRENCY', 1),
  lockDurationMs: envInt('MEDIA_WORKER_LOCK_MS', 30_000),
  stalledIntervalMs: envInt('MEDIA_WORKER_STALLED_INTERVAL_MS', 30_000),
  logger: log,
})
  .then(async (worker) => {
    // /health and /ready of its own: the worker serves no other HTTP
    const health = await startHealthServer({
      name: 'media-worker',
      port: envInt('MEDIA_WORKER_PORT', 4015),
      host: envString('HOST', '127.0.0.1'),
      checks: worker.checks,
      log,
    });
    log.info({ url: health.url }, 'media processing worker ready');
    // SIGTERM/SIGINT: running jobs finish first; a second signal exits at once (the job is picked up again)
    stopOnSignals(log, () => worker.close().finally(() => health.close()));
  })
  // also a health port already in use: better to fail than to run unobservable
  .catch((error: unknown) => {
    log.fatal({ err: error }, 'media processing worker failed to start');
    process.exit(1);
  });
