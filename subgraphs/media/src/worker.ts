// first: tracing instruments http, pg, ioredis and the rest as they load (see @wavegraph/telemetry)
import { startTelemetry } from '@wavegraph/telemetry';
startTelemetry('media-worker');
import 'reflect-metadata';
import { defaultDatabaseUrl, envInt, envString, jobLocksFromEnv, redisUrl, runWorker } from '@wavegraph/kit';
import { startMediaWorker } from './processing/processing.worker';
import { speechEngineFromEnv } from './transcript/engine.factory';

/**
 * The media processing worker process (run beside the media subgraph, as many as the CPUs
 * allow); health on MEDIA_WORKER_PORT. Its sandboxed processors read storage settings
 * (MEDIA_STORAGE, MEDIA_DIR, MEDIA_S3_*) from the environment they inherit. On SIGTERM/SIGINT
 * running jobs finish first; a second signal exits at once (the job is picked up again).
 * The speech engine (MEDIA_TRANSCRIPT_*) is checked here, so a wrong setting stops the worker
 * at start rather than leaving every episode without a transcript.
 */
void runWorker('media-worker', 4015, (logger, metrics) => {
  const engine = speechEngineFromEnv();
  logger.info({ engine: engine.name, languages: engine.languages }, 'speech engine');
  return startMediaWorker({
    databaseUrl: defaultDatabaseUrl('media'),
    redisUrl: redisUrl(),
    prefix: envString('REDIS_PREFIX', 'wavegraph'),
    concurrency: envInt('MEDIA_WORKER_CONCURRENCY', 1),
    // the video queue's own slots: the H.264 ladder and storyboards of video sources
    videoConcurrency: envInt('MEDIA_WORKER_VIDEO_CONCURRENCY', 1),
    // MEDIA_WORKER_LOCK_MS, _LOCK_RENEW_MS, _STALLED_INTERVAL_MS, _MAX_STALLED_COUNT
    locks: jobLocksFromEnv('MEDIA_WORKER'),
    reconcileIntervalMs: envInt('MEDIA_WORKER_RECONCILE_SECONDS', 30) * 1000,
    reconcileGraceMs: envInt('MEDIA_WORKER_RECONCILE_GRACE_SECONDS', 30) * 1000,
    logger,
    metrics,
  });
});
