import {
  createLogger,
  createRedisConnections,
  openDatabase,
  reportRedisError,
  runWithTrace,
  startReconciler,
  workerHealthChecks,
  workerLockOptions,
  type HealthCheck,
  type JobLockOptions,
  type Logger,
  type Reconciler,
} from '@wavegraph/kit';
import { instrumentQueue, type Registry } from '@wavegraph/metrics';
import { inSpan } from '@wavegraph/telemetry';
import { Worker, type Job } from 'bullmq';
import type { DataSource } from 'typeorm';
import { Episode } from '../episode/episode.entity';
import { publishIfStillScheduled } from '../episode/episode.workflow';
import { Show } from '../show/show.entity';
import { PUBLISH_QUEUE, PublishQueue, type PublishJobData } from './publish.queue';
import { PUBLISH_RECONCILE_KINDS, reconcileScheduledPublishing } from './publish.reconcile';

export interface PublishWorkerOptions {
  /** Reuse an open DataSource, or give a URL and the worker opens (and closes) its own. */
  dataSource?: DataSource;
  databaseUrl?: string;
  redisUrl: string;
  prefix: string;
  concurrency?: number;
  logger?: Logger;
  /** Where job durations, failures, the queue's counts and reconciled jobs are reported. */
  metrics?: Registry;
  /** How long a killed worker's job waits before another worker runs it (see JobLockOptions for each default). */
  locks?: JobLockOptions;
  /**
   * Pause between reconciliation rounds, which give every SCHEDULED episode whose job Redis
   * lost its job back (or publish it when due). One round runs at start. Default 30000 ms.
   */
  reconcileIntervalMs?: number;
}

export interface PublishWorker {
  /** Readiness: Redis and Postgres answer, the worker takes jobs, what reconciliation last restored (served by worker.ts on CATALOG_WORKER_PORT). */
  readonly checks: Record<string, HealthCheck>;
  readonly reconciler: Reconciler;
  close(): Promise<void>;
}

/**
 * Runs scheduled publishing. Jobs live in Redis, so jobs that fell due while no worker ran
 * are picked up when one starts; failures retry with the job's exponential backoff. Redis is
 * not trusted to keep them: the reconciler restores jobs it lost from the episodes table.
 * Reconciling here rather than in the subgraph: this process owns the queue's consumption
 * and reports on it (/ready, metrics), and needs no request to run.
 */
export async function startPublishWorker(options: PublishWorkerOptions): Promise<PublishWorker> {
  const log = options.logger ?? createLogger('catalog-publisher');
  let owned: DataSource | undefined;
  if (!options.dataSource) {
    if (!options.databaseUrl) throw new Error('startPublishWorker needs a dataSource or a databaseUrl');
    // the subgraph runs the migrations; the worker only reads and updates episodes
    owned = (await openDatabase({ url: options.databaseUrl, entities: [Show, Episode], migrations: [], logger: log, poolSize: 4 })).dataSource;
  }
  const dataSource = options.dataSource ?? (owned as DataSource);

  const publish = async (job: Job<PublishJobData>): Promise<{ published: boolean }> => {
    const published = await publishIfStillScheduled(dataSource, job.data.episodeId, new Date(job.data.publishAt));
    log.info({ jobId: job.id, episodeId: job.data.episodeId, published }, published ? 'episode published' : 'stale publish job ignored');
    return { published };
  };
  // in the trace (and with the request id) of the request that scheduled it
  const processJob = (job: Job<PublishJobData>): Promise<{ published: boolean }> => {
    const attributes = { 'catalog.episode_id': job.data.episodeId, 'catalog.publish_at': job.data.publishAt };
    return runWithTrace(job.data.trace ?? {}, () => inSpan('publish scheduled episode', { kind: 'consumer', parent: job.data.trace, attributes }, () => publish(job)));
  };

  // the worker is its process's owner of Redis: it closes these after the worker stopped
  const redis = createRedisConnections(options.redisUrl, { owner: 'catalog-worker', log });
  // BullMQ's workers block on their connection and require maxRetriesPerRequest: null
  const connection = redis.open('blocking', 'publish-worker');
  const worker = new Worker<PublishJobData>(PUBLISH_QUEUE, processJob, {
    connection,
    prefix: options.prefix,
    concurrency: options.concurrency ?? 4,
    ...workerLockOptions(options.locks),
  });
  worker.on('failed', (job, error) => log.warn({ jobId: job?.id, attempts: job?.attemptsMade, err: error }, 'publish job failed'));
  worker.on('error', (error) => reportRedisError('catalog-worker:publish-worker', error, log));
  await worker.waitUntilReady();
  const health = workerHealthChecks({ redis, dataSource, worker });
  // the producer side on a command connection of its own (the worker's blocks): reconciliation adds jobs, the metrics read counts
  const publishing = new PublishQueue(redis, options.prefix);
  const stopMetrics = options.metrics && instrumentQueue(options.metrics, PUBLISH_QUEUE, worker, () => publishing.queue.getJobCounts());
  const reconciler = startReconciler({
    queue: PUBLISH_QUEUE,
    kinds: PUBLISH_RECONCILE_KINDS,
    intervalMs: options.reconcileIntervalMs ?? 30_000,
    round: () => reconcileScheduledPublishing(dataSource, publishing, log),
    log,
    metrics: options.metrics,
  });

  let closing: Promise<void> | undefined;
  return {
    checks: { ...health.checks, reconcile: reconciler.check },
    reconciler,
    close: () =>
      (closing ??= (async () => {
        await reconciler.stop();
        await worker.close();
        stopMetrics?.();
        await publishing.close();
        await redis.close();
        await owned?.destroy();
      })()),
  };
}
