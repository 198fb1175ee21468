import {
  createLogger, createRedisConnections, openDatabase, reportRedisError, workerHealthChecks, workerLockOptions,
  type HealthCheck, type JobLockOptions, type Logger,
} from '@wavegraph/kit';
import { instrumentQueue, type Registry } from '@wavegraph/metrics';
import { createHash } from 'node:crypto';
import { Queue, Worker, type Job } from 'bullmq';
import { In, type DataSource } from 'typeorm';
import { CatalogClient } from '../catalog/catalog.client';
import type { FetchPolicy } from '../fetch/safe-fetch';
import { IngestJob, IngestStatus } from '../job/job.entity';
import { redisProgressPublisher } from '../job/job.progress';
import { CAPPED, cappedBackoff, DOWNLOAD, ENCLOSURE_QUEUE, EXTRAS, INGEST_QUEUE, IngestQueue, POLL, RUN, type EnclosureJobData, type PollJobData, type RetryOptions, type RunJobData } from '../job/job.queue';
import { IngestRunner } from '../job/job.runner';
import { EnclosureImporter } from '../enclosure/enclosure.importer';
import { ExtrasImporter } from '../extras/extras.importer';
import { extrasFromEnv, type EnclosureSettings } from '../ingest.config';
import { MediaClient } from '../media/media.client';
import { INGEST_MIGRATIONS } from '../migrations';
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
  /** Enclosures into media; unset: episodes are imported without media. */
  enclosures?: EnclosureSettings | null;
  /** Known episodes updated in catalog at once per import (INGEST_CATALOG_CONCURRENCY, default 4); new ones go 100 per importEpisodes call. */
  catalogConcurrency?: number;
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
  const db = await openDatabase({ url: options.databaseUrl, entities: [FeedSource, IngestItem, IngestJob], migrations: INGEST_MIGRATIONS, logger: log, poolSize: 4 });
  const dataSource: DataSource = db.dataSource;
  const redis = createRedisConnections(options.redisUrl, { owner: 'ingest-worker', log });
  const publisher = redis.open('command', 'progress-publisher');
  const publish = redisProgressPublisher(publisher, options.prefix, (error) => log.warn({ err: error }, 'ingest progress not announced live'));
  // enclosures have their own queue and concurrency: a long download never holds a feed's import
  const settings = options.enclosures ?? null;
  const downloads = settings ? new Queue(ENCLOSURE_QUEUE, { connection: redis.open('command', 'enclosure-queue'), prefix: options.prefix }) : null;
  downloads?.on('error', (error) => reportRedisError('ingest-worker:enclosure-queue', error, log));
  const extras = settings ? (settings.extras ?? extrasFromEnv()) : null;
  const keyOf = (sourceId: string, guid: string): string => createHash('sha256').update(`${sourceId}\n${guid}`).digest('hex').slice(0, 32);
  const runner: IngestRunner = new IngestRunner({
    dataSource,
    catalog: new CatalogClient({ url: options.catalogUrl, secret: options.gatewaySecret }),
    fetchPolicy: options.fetchPolicy,
    userAgent: options.userAgent,
    publish,
    log,
    catalogConcurrency: options.catalogConcurrency,
    enclosures: settings && downloads
      ? {
          enqueue: async (ingestJobId, sourceId, guid) => {
            const data: EnclosureJobData = { sourceId, guid };
            await downloads.add(DOWNLOAD, data, {
              jobId: `download-${ingestJobId}-${keyOf(sourceId, guid)}`, attempts: settings.retry.attempts, backoff: { type: 'exponential', delay: settings.retry.backoffMs }, removeOnComplete: 1000, removeOnFail: 5000,
            });
          },
        }
      : undefined,
    extras: extras && downloads
      ? {
          enqueue: async (ingestJobId, sourceId, guid) => {
            const data: EnclosureJobData = { sourceId, guid };
            await downloads.add(EXTRAS, data, {
              jobId: `extras-${ingestJobId}-${keyOf(sourceId, guid)}`, attempts: extras.attempts, backoff: { type: CAPPED, delay: extras.backoffMs }, removeOnComplete: 1000, removeOnFail: 5000,
            });
          },
        }
      : undefined,
  });
  const importer = settings
    ? new EnclosureImporter({
        dataSource, media: new MediaClient({ url: settings.mediaUrl, secret: options.gatewaySecret }), policy: settings.policy, userAgent: options.userAgent,
        workDir: settings.workDir, settled: (jobId) => runner.settleDownloads(jobId), log,
      })
    : null;
  const extrasImporter = settings && extras
    ? new ExtrasImporter({
        dataSource, media: new MediaClient({ url: settings.mediaUrl, secret: options.gatewaySecret }), policy: { ...settings.policy, maxBytes: extras.maxBytes, timeoutMs: options.fetchPolicy.timeoutMs },
        userAgent: options.userAgent, settled: (jobId) => runner.settleDownloads(jobId), log,
      })
    : null;
  const queue = new IngestQueue(redis, options.prefix, options.retry);

  const poll = async (sourceId: string, job?: Job<PollJobData>): Promise<string | null> => {
    if (job?.data.jobId) return job.data.jobId;
    const source = await dataSource.getRepository(FeedSource).findOneBy({ id: sourceId });
    if (!source || !source.polling) {
      await queue.stopPolls(sourceId);
      return null;
    }
    // a poll while the previous run still reads the feed would only do the same work twice
    const running = await dataSource.getRepository(IngestJob).existsBy({ sourceId, status: In([IngestStatus.FETCHING, IngestStatus.IMPORTING]) });
    if (running) return null;
    const created = await dataSource.getRepository(IngestJob).save(
      dataSource.getRepository(IngestJob).create({
        sourceId, ownerId: source.ownerId, feedUrl: source.feedUrl, status: IngestStatus.QUEUED, showId: source.showId,
        found: 0, created: 0, updated: 0, skipped: 0, failed: 0, progress: 0, reason: null, httpStatus: null, errors: [], warnings: [], startedAt: null, finishedAt: null,
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
  const downloader = settings && importer
    ? new Worker(
        ENCLOSURE_QUEUE,
        async (job: Job<EnclosureJobData>) => {
          const lastAttempt = job.attemptsMade + 1 >= (job.opts.attempts ?? 1);
          if (job.name === EXTRAS) return extrasImporter?.import(job.data.sourceId, job.data.guid, lastAttempt);
          return importer.import(job.data.sourceId, job.data.guid, lastAttempt);
        },
        {
          connection: redis.open('blocking', 'enclosure-worker'), prefix: options.prefix, concurrency: settings.concurrency, ...workerLockOptions(options.locks),
          // extras wait for media with doubling delays that stop growing at maxBackoffMs
          settings: { backoffStrategy: (attemptsMade: number, type?: string) => (type === CAPPED && extras ? cappedBackoff(extras.backoffMs, extras.maxBackoffMs)(attemptsMade) : -1) },
        },
      )
    : null;
  downloader?.on('failed', (job, error) => log.warn({ jobId: job?.id, attempts: job?.attemptsMade, err: error }, job?.name === EXTRAS ? 'transcript or chapters attempt failed (media not READY yet?)' : 'enclosure attempt failed'));
  downloader?.on('error', (error) => reportRedisError('ingest-worker:enclosures', error, log));
  await Promise.all([worker.waitUntilReady(), downloader?.waitUntilReady()]);
  const health = workerHealthChecks({ redis, dataSource, worker: { isRunning: () => worker.isRunning() && (downloader?.isRunning() ?? true) } });
  const stopMetrics = options.metrics && instrumentQueue(options.metrics, INGEST_QUEUE, worker, () => queue.queue.getJobCounts());

  let closing: Promise<void> | undefined;
  return {
    worker,
    runner,
    checks: health.checks,
    poll,
    close: () =>
      (closing ??= (async () => {
        await Promise.all([worker.close(), downloader?.close()]);
        stopMetrics?.();
        await queue.close();
        await downloads?.close();
        await redis.close();
        await dataSource.destroy();
      })()),
  };
}
