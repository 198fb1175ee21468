import {
  createLogger, createRedisConnections, openDatabase, reportRedisError, workerHealthChecks, workerLockOptions,
  type HealthCheck, type JobLockOptions, type Logger,
} from '@wavegraph/kit';
import { instrumentQueue, type Registry } from '@wavegraph/metrics';
import { Worker, type Job } from 'bullmq';
import type { DataSource } from 'typeorm';
import { CatalogClient } from '../catalog/catalog.client';
import type { FetchPolicy } from '../fetch/safe-fetch';
import { IngestJob, IngestStatus } from '../job/job.entity';
import { redisProgressPublisher } from '../job/job.progress';
import { INGEST_QUEUE, IngestQueue, POLL, RUN, type PollJobData, type RetryOptions, type RunJobData } from '../job/job.queue';
import { IngestRunner } from '../job/job.runner';
import { CreateIngest1766700000000 } from '../migrations/1766700000000-CreateIngest';
import { FeedSource, IngestItem } from '../source/source.entity';

export interface IngestWorkerOptions {
  databaseUrl: string;
  redisUrl: string;
  prefix: string;
  catalogUrl: string;
  /** The gateway's secret: catalog and media take the worker's calls as the gateway's. */
  gatewaySecret: string;
  fetchPolicy: FetchPolicy;
  userAgent: string;
  retry: RetryOptions;
  /** Feeds imported at once (INGEST_WORKER_CONCURRENCY, default 2): the work is waiting on the network. */
  concurrency?: number;
  locks?: JobLockOptions;
  logger?: Logger;
  metrics?: Registry;
}

export interface IngestWorker {
  readonly worker: Worker;
  readonly runner: IngestRunner;
  readonly checks: Record<string, HealthCheck>;
  /** What a poll does when its schedule fires (tests call it instead of waiting for the interval). */
  poll(sourceId: string, job?: Job<PollJobData>): Promise<string | null>;
  close(): Promise<void>;
}

/**
 * Consumes ingest's queue: `run` imports one IngestJob; `poll` (fired by each source's job
 * scheduler) records a new IngestJob for the source and runs it. A transient failure (timeout,
 * 5xx, catalog away) is retried with exponential backoff; the last attempt fails the job with its reason.
 */
export async function startIngestWorker(options: IngestWorkerOptions): Promise<IngestWorker> {
  const log = options.logger ?? createLogger('ingest-worker');
  const db = await openDatabase({ url: options.databaseUrl, entities: [FeedSource, IngestItem, IngestJob], migrations: [CreateIngest1766700000000], logger: log, poolSize: 4 });
  const dataSource: DataSource = db.dataSource;
  const redis = createRedisConnections(options.redisUrl, { owner: 'ingest-worker', log });
  const publisher = redis.open('command', 'progress-publisher');
  const publish = redisProgressPublisher(publisher, options.prefix, (error) => log.warn({ err: error }, 'ingest progress not announced live'));
  const runner = new IngestRunner({
    dataSource,
    catalog: new CatalogClient({ url: options.catalogUrl, secret: options.gatewaySecret }),
    fetchPolicy: options.fetchPolicy,
    userAgent: options.userAgent,
    publish,
    log,
  });
  const queue = new IngestQueue(redis, options.prefix, options.retry);

  const poll = async (sourceId: string, job?: Job<PollJobData>): Promise<string | null> => {
    if (job?.data.jobId) return job.data.jobId;
    const source = await dataSource.getRepository(FeedSource).findOneBy({ id: sourceId });
    if (!source || !source.polling) {
      await queue.stopPolls(sourceId);
      return null;
    }
    const running = await dataSource.getRepository(IngestJob).existsBy({ sourceId, status: IngestStatus.FETCHING });
    if (running) return null;
    const created = await dataSource.getRepository(IngestJob).save(
      dataSource.getRepository(IngestJob).create({
        sourceId, ownerId: source.ownerId, feedUrl: source.feedUrl, status: IngestStatus.QUEUED, showId: source.showId,
        found: 0, created: 0, updated: 0, skipped: 0, failed: 0, progress: 0, reason: null, httpStatus: null, errors: [], startedAt: null, finishedAt: null,
      }),
    );
    await job?.updateData({ sourceId, jobId: created.id });
    return created.id;
  };

  const worker = new Worker(
    INGEST_QUEUE,
    async (job: Job) => {
      const lastAttempt = job.attemptsMade + 1 >= (job.opts.attempts ?? 1);
      if (job.name === RUN) return runner.run((job.data as RunJobData).jobId, lastAttempt);
      if (job.name === POLL) {
        const data = job.data as PollJobData;
        const jobId = data.jobId ?? (await poll(data.sourceId, job as Job<PollJobData>));
        if (jobId) await runner.run(jobId, lastAttempt);
      }
    },
    { connection: redis.open('blocking', 'ingest-worker'), prefix: options.prefix, concurrency: options.concurrency ?? 2, ...workerLockOptions(options.locks) },
  );
  worker.on('failed', (job, error) => log.warn({ jobId: job?.id, attempts: job?.attemptsMade, err: error }, 'ingest job attempt failed'));
  worker.on('error', (error) => reportRedisError('ingest-worker', error, log));
  await worker.waitUntilReady();
  const health = workerHealthChecks({ redis, dataSource, worker: { isRunning: () => worker.isRunning() } });
  const stopMetrics = options.metrics && instrumentQueue(options.metrics, INGEST_QUEUE, worker, () => queue.queue.getJobCounts());

  let closing: Promise<void> | undefined;
  return {
    worker,
    runner,
    checks: health.checks,
    poll,
    close: () =>
      (closing ??= (async () => {
        await worker.close();
        stopMetrics?.();
        await queue.close();
        await redis.close();
        await dataSource.destroy();
      })()),
  };
}
