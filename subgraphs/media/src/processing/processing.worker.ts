import {
  createLogger,
  createRedisConnections,
  openDatabase,
  reportRedisError,
  startReconciler,
  workerHealthChecks,
  workerLockOptions,
  type HealthCheck,
  type JobLockOptions,
  type Logger,
  type Reconciler,
} from '@wavegraph/kit';
import { instrumentQueue, type Registry } from '@wavegraph/metrics';
import { Queue, QueueEvents, Worker } from 'bullmq';
import path from 'node:path';
import type { DataSource } from 'typeorm';
import { isChaptersJob, PROCESSING_QUEUE, parseProcessingJobId, VIDEO_QUEUE, type JobName } from './processing.jobs';
import { failAsset, failedMessage } from './processing.outcome';
import { ProcessingQueue, type ProcessingQueueOptions } from './processing.queue';
import { PROCESSING_RECONCILE_KINDS, reconcileChapters, reconcileProcessing } from './processing.reconcile';
import { publishProgress } from './progress';

export interface MediaWorkerOptions {
  /** Sandboxed processors open their own small pool with it (they are separate processes). */
  databaseUrl: string;
  /** Reused for the failure listener; without it the worker opens (and closes) its own. */
  dataSource?: DataSource;
  redisUrl: string;
  prefix: string;
  /** Jobs processed at once, each in its own child process; ffmpeg is CPU-bound, so about one per core. */
  concurrency?: number;
  /** Jobs of the video queue (the H.264 ladder, storyboards) processed at once, besides those; default 1. */
  videoConcurrency?: number;
  logger?: Logger;
  /**
   * How a job of a killed worker is taken over (after about lock + stalled interval, 5 s by
   * default); a running step's lock is renewed for as long as it runs. See JobLockOptions for each default.
   */
  locks?: JobLockOptions;
  /**
   * Pause between reconciliation rounds, which queue again the flow of every PROCESSING asset
   * whose flow Redis lost. One round runs at start. Default 30000 ms.
   */
  reconcileIntervalMs?: number;
  /** Assets changed more recently than this are left to the next round (the API queues them itself). Default 30000 ms. */
  reconcileGraceMs?: number;
  /** Attempts and backoff of the flows reconciliation queues again: the same as the subgraph's (default: ProcessingQueue's). */
  queue?: ProcessingQueueOptions;
  /** Extra environment for the processors: storage settings (MEDIA_STORAGE, MEDIA_DIR, MEDIA_S3_*), MEDIA_WORK_DIR. */
  env?: Record<string, string>;
  /** Where step durations, failed attempts and the queue's counts are reported. */
  metrics?: Registry;
}

export interface MediaWorker {
  readonly worker: Worker;
  /** Consumes the video queue, with its own concurrency, so a long video never holds audio's slots. */
  readonly videoWorker: Worker;
  /** Readiness: Redis and Postgres answer, the worker takes jobs, what reconciliation last restored (served by worker.ts on MEDIA_WORKER_PORT). */
  readonly checks: Record<string, HealthCheck>;
  readonly reconciler: Reconciler;
  close(): Promise<void>;
}

/**
 * The compiled processor. From dist/processing this is the file beside us; from src under
 * Jest it is the build output, because a sandboxed child runs plain JavaScript.
 */
export const PROCESSOR_FILE = path.resolve(__dirname, '..', '..', 'dist', 'processing', 'processing.processor.js');

/**
 * Runs processing flows: one BullMQ worker for the processing queue, another with its own
 * concurrency for the video queue (a video's ladder and storyboard), so a long video never
 * starves audio episodes. CPU-heavy work happens in sandboxed child processes (a crash there
 * fails one attempt, not the worker); close() lets running jobs finish. A job whose worker
 * was killed keeps its lock until it expires (4 s), then any worker takes it again. Flows Redis
 * lost are queued again from the database by the reconciler, here because this process owns
 * the queue's consumption and reports on it (/ready, metrics), and the subgraph may scale to zero load.
 */
export async function startMediaWorker(options: MediaWorkerOptions): Promise<MediaWorker> {
  const log = options.logger ?? createLogger('media-worker');
  const owned = options.dataSource
    ? undefined
    : (await openDatabase({ url: options.databaseUrl, entities: [], migrations: [], logger: log, poolSize: 2 })).dataSource;
  const dataSource = options.dataSource ?? (owned as DataSource);

  // the worker owns its process's Redis connections and closes them after its BullMQ parts
  const redis = createRedisConnections(options.redisUrl, { owner: 'media-worker', log });
  const forkEnv = { ...process.env, ...options.env, MEDIA_DATABASE_URL: options.databaseUrl, REDIS_URL: options.redisUrl, REDIS_PREFIX: options.prefix };
  // BullMQ's workers block on their connection and require maxRetriesPerRequest: null
  const consume = (queue: string, concurrency: number, name: string): Worker => {
    const consumer = new Worker(queue, PROCESSOR_FILE, {
      connection: redis.open('blocking', name),
      prefix: options.prefix,
      concurrency,
      // one crash of the whole worker is not the job's fault (maxStalledCount 2); a job that keeps killing workers is
      ...workerLockOptions(options.locks),
      workerForkOptions: { env: forkEnv },
    });
    consumer.on('failed', (job, error) => log.warn({ queue, jobId: job?.id, attempts: job?.attemptsMade, err: error }, 'processing job failed'));
    consumer.on('error', (error) => reportRedisError(`media-worker:${name}`, error, log));
    return consumer;
  };
  const worker = consume(PROCESSING_QUEUE, options.concurrency ?? 1, 'processing-worker');
  const videoWorker = consume(VIDEO_QUEUE, options.videoConcurrency ?? 1, 'video-worker');

  // The processor records a final failure itself. A job that failed without running its
  // processor (it stalled too often) is recorded here; for other failures this is a no-op.
  // QueueEvents blocks its connection reading the stream, so telling subscribers needs another;
  // a live update held until Redis returns would be stale, hence one retry at most
  const publisher = redis.open('command', 'progress-publisher');
  const listen = (queue: string, name: string): QueueEvents => {
    const events = new QueueEvents(queue, { connection: redis.open('blocking', name), prefix: options.prefix });
    events.on('error', (error) => reportRedisError(`media-worker:${name}`, error, log));
    events.on('failed', ({ jobId, failedReason }) => {
      const id = parseProcessingJobId(jobId);
      // a parent failing because its child failed says nothing new: the child's event carries the cause
      if (!id || failedReason.startsWith('child ')) return;
      // re-muxing chapter marks is not part of processing: its failure leaves the asset as it was
      if (isChaptersJob(id.name)) return;
      failAsset(dataSource, id.assetId, id.run, id.name, failedReason).then(
        async (failed) => {
          if (!failed) return;
          const message = failedMessage(id.assetId, id.name as JobName, failedReason);
          await publishProgress(publisher, options.prefix, message).catch((error: unknown) => log.warn({ err: error, jobId }, 'failure not announced live'));
        },
        (error: unknown) => log.error({ err: error, jobId }, 'recording a failed asset failed'),
      );
    });
    return events;
  };
  const events = listen(PROCESSING_QUEUE, 'processing-events');
  const videoEvents = listen(VIDEO_QUEUE, 'video-events');
  await Promise.all([worker.waitUntilReady(), videoWorker.waitUntilReady(), events.waitUntilReady(), videoEvents.waitUntilReady()]);
  const health = workerHealthChecks({ redis, dataSource, worker: { isRunning: () => worker.isRunning() && videoWorker.isRunning() } });
  // job states and counts are read on a command connection of their own (the worker's blocks); each step is a job of its own name
  const jobs = new Queue(PROCESSING_QUEUE, { connection: redis.open('command', 'processing-jobs'), prefix: options.prefix });
  jobs.on('error', (error) => reportRedisError('media-worker:processing-jobs', error, log));
  const videoJobs = new Queue(VIDEO_QUEUE, { connection: redis.open('command', 'video-jobs'), prefix: options.prefix });
  videoJobs.on('error', (error) => reportRedisError('media-worker:video-jobs', error, log));
  const stopMetrics = options.metrics && instrumentQueue(options.metrics, PROCESSING_QUEUE, worker, () => jobs.getJobCounts());
  const stopVideoMetrics = options.metrics && instrumentQueue(options.metrics, VIDEO_QUEUE, videoWorker, () => videoJobs.getJobCounts());
  const starter = new ProcessingQueue(redis, options.prefix, dataSource, options.queue);
  const reconciler = startReconciler({
    queue: PROCESSING_QUEUE,
    kinds: PROCESSING_RECONCILE_KINDS,
    intervalMs: options.reconcileIntervalMs ?? 30_000,
    round: async () => {
      const graceMs = options.reconcileGraceMs ?? 30_000;
      return { ...(await reconcileProcessing(dataSource, jobs, starter, log, { graceMs })), ...(await reconcileChapters(dataSource, jobs, starter, log, { graceMs })) };
    },
    log,
    metrics: options.metrics,
  });

  let closing: Promise<void> | undefined;
  return {
    worker,
    videoWorker,
    checks: { ...health.checks, reconcile: reconciler.check },
    reconciler,
    close: () =>
      (closing ??= (async () => {
        await reconciler.stop();
        await Promise.all([worker.close(), videoWorker.close()]);
        stopMetrics?.();
        stopVideoMetrics?.();
        await starter.close();
        await jobs.close();
        await videoJobs.close();
        await events.close();
        await videoEvents.close();
        // quit waits for a pending publish; a connection that is not ready is dropped
        await redis.close();
        await owned?.destroy();
      })()),
  };
}
