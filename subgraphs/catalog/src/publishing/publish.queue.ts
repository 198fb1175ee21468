import { carriedTrace, type TraceContext } from '@wavegraph/kit';
import { Queue } from 'bullmq';
import { reportRedisError, type Redis, type RedisConnections } from '@wavegraph/kit';
import type { PublishScheduler } from '../episode/episode.workflow';

export const PUBLISH_QUEUE = 'catalog-publish';
export const PUBLISH_JOB = 'publish-episode';

/** Job data carries ids and times only; the worker reads the rest from the database. */
export interface PublishJobData {
  episodeId: string;
  /** ISO time the episode was scheduled for; a job whose time no longer matches is stale. */
  publishAt: string;
  /** The request that scheduled it (its id and W3C traceparent): the worker's span and log lines continue it. */
  trace?: TraceContext;
}

/** Same episode and time → same job id, so scheduling twice adds one job. */
export const publishJobId = (episodeId: string, publishAt: Date): string => `publish-${episodeId}-${publishAt.getTime()}`;

/** The producer side, owned by the catalog subgraph: one Redis connection of its connections, which close it after `close()`. */
export class PublishQueue implements PublishScheduler {
  readonly queue: Queue<PublishJobData>;
  private readonly connection: Redis;

  constructor(redis: RedisConnections, prefix: string) {
    // a producer, not a blocking reader: a schedule that cannot reach Redis fails and is rolled
    // back rather than left hanging
    this.connection = redis.open('command', 'publish-queue');
    this.queue = new Queue<PublishJobData>(PUBLISH_QUEUE, { connection: this.connection, prefix });
    // BullMQ re-emits its connection's errors: counted and rate-limited with them
    this.queue.on('error', (error) => reportRedisError('catalog:publish-queue', error));
  }

  async schedule(episodeId: string, publishAt: Date): Promise<void> {
    await this.queue.add(
      PUBLISH_JOB,
      { episodeId, publishAt: publishAt.toISOString(), trace: carriedTrace() },
      {
        jobId: publishJobId(episodeId, publishAt),
        delay: Math.max(0, publishAt.getTime() - Date.now()),
        attempts: 10,
        backoff: { type: 'exponential', delay: 1000 },
        removeOnComplete: { age: 7 * 24 * 3600, count: 10_000 },
        removeOnFail: { age: 30 * 24 * 3600 },
      },
    );
  }

  async ping(): Promise<void> {
    await this.connection.ping();
  }

  async close(): Promise<void> {
    await this.queue.close();
  }
}
