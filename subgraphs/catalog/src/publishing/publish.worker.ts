import { createLogger, createRedisConnections, openDatabase, reportRedisError, runWithTrace, workerHealthChecks, type HealthCheck, type Logger } from '@wavegraph/kit';
import { instrumentQueue, type Registry } from '@wavegraph/metrics';
import { inSpan } from '@wavegraph/telemetry';
import { Queue, Worker, type Job } from 'bullmq';
import type { DataSource } from 'typeorm';
import { Episode } from '../episode/episode.entity';
import { publishIfStillScheduled } from '../episode/episode.workflow';
import { Show } from '../show/show.entity';
import { PUBLISH_QUEUE, type PublishJobData } from './publish.queue';

export interface PublishWorkerOptions {
  /** Reuse an open DataSource, or give a URL and the worker opens (and closes) its own. */
  dataSource?: DataSource;
  databaseUrl?: string;
  redisUrl: string;
  prefix: string;
  concurrency?: number;
  logger?: Logger;
  /** Where job durations, failures and the queue's counts are reported. */
  metrics?: Registry;
}

export interface PublishWorker {
  /** Readiness: Redis and Postgres answer, the worker takes jobs (served by worker.ts on CATALOG_WORKER_PORT). */
  readonly checks: Record<string, HealthCheck>;
  close(): Promise<void>;
}

/**
 * Runs scheduled publishing. Jobs live in Redis, so jobs that fell due while no worker ran
 * are picked up when one starts; failures retry with the job's exponential backoff.
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
  });
  worker.on('failed', (job, error) => log.warn({ jobId: job?.id, attempts: job?.attemptsMade, err: error }, 'publish job failed'));
  worker.on('error', (error) => reportRedisError('catalog-worker:publish-worker', error, log));
  await worker.waitUntilReady();
  const health = workerHealthChecks({ redis, dataSource, worker });
  // job counts are read on a command connection of their own: the worker's blocks
  const queue = options.metrics && new Queue(PUBLISH_QUEUE, { connection: redis.open('command', 'publish-counts'), prefix: options.prefix });
  queue?.on('error', (error) => reportRedisError('catalog-worker:publish-counts', error, log));
  const stopMetrics = options.metrics && queue && instrumentQueue(options.metrics, PUBLISH_QUEUE, worker, () => queue.getJobCounts());

  let closing: Promise<void> | undefined;
  return {
    checks: health.checks,
    close: () =>
      (closing ??= (async () => {
        await worker.close();
        stopMetrics?.();
        await queue?.close();
        await redis.close();
        await owned?.destroy();
      })()),
  };
}
