import { createLogger, createRedisConnections, openDatabase, reportRedisError, workerHealthChecks, type HealthCheck, type Logger } from '@wavegraph/kit';
import { Worker, type Job } from 'bullmq';
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

  const processJob = async (job: Job<PublishJobData>): Promise<{ published: boolean }> => {
    const publishAt = new Date(job.data.publishAt);
    const published = await publishIfStillScheduled(dataSource, job.data.episodeId, publishAt);
    log.info({ jobId: job.id, episodeId: job.data.episodeId, published }, published ? 'episode published' : 'stale publish job ignored');
    return { published };
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

  let closing: Promise<void> | undefined;
  return {
    checks: health.checks,
    close: () =>
      (closing ??= (async () => {
        await worker.close();
        await redis.close();
        await owned?.destroy();
      })()),
  };
}
