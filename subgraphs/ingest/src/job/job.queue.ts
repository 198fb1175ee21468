import { reportRedisError, type RedisConnections } from '@wavegraph/kit';
import { Queue, type JobsOptions } from 'bullmq';

export const INGEST_QUEUE = 'ingest';
export const RUN = 'run';
export const POLL = 'poll';
/** Enclosure downloads and their hand-off to media, on a queue of their own. */
export const ENCLOSURE_QUEUE = 'ingest-enclosures';
export const DOWNLOAD = 'download';
/** An item's transcript and chapters into media, on the same queue (an attempt is short; waiting is a delay, not a held slot). */
export const EXTRAS = 'extras';
/** The backoff type of EXTRAS jobs: doubling from the job's delay, capped (see cappedBackoff). */
export const CAPPED = 'capped';

/** Delays of a job waiting for media: base·2^(n−1), never more than maxMs. */
export const cappedBackoff = (baseMs: number, maxMs: number) => (attemptsMade: number): number => Math.min(maxMs, baseMs * 2 ** Math.max(0, attemptsMade - 1));

export interface EnclosureJobData {
  sourceId: string;
  guid: string;
}

export interface RunJobData {
  jobId: string;
}

/** A poll fires per schedule; its first attempt records the IngestJob it runs, so a retry runs the same one. */
export interface PollJobData {
  sourceId: string;
  jobId?: string;
}

export interface RetryOptions {
  /** Tries of a fetch that failed for a reason that may pass (timeout, 5xx, catalog away). */
  attempts: number;
  /** First retry delay; it doubles with each further try. */
  backoffMs: number;
}

export const pollSchedulerId = (sourceId: string): string => `poll-${sourceId}`;

/** The producer side of ingest's BullMQ queue: runs of imports and each source's poll schedule. */
export class IngestQueue {
  readonly queue: Queue;

  constructor(redis: RedisConnections, prefix: string, private readonly retry: RetryOptions) {
    this.queue = new Queue(INGEST_QUEUE, { connection: redis.open('command', 'ingest-queue'), prefix });
    this.queue.on('error', (error) => reportRedisError('ingest:queue', error));
  }

  private get options(): JobsOptions {
    return { attempts: this.retry.attempts, backoff: { type: 'exponential', delay: this.retry.backoffMs }, removeOnComplete: 1000, removeOnFail: 5000 };
  }

  async run(jobId: string): Promise<void> {
    const data: RunJobData = { jobId };
    await this.queue.add(RUN, data, { ...this.options, jobId: `run-${jobId}` });
  }

  /** One BullMQ job scheduler per source: replaces the previous interval if there was one. */
  async schedulePolls(sourceId: string, everyMinutes: number): Promise<void> {
    const data: PollJobData = { sourceId };
    const every = everyMinutes * 60_000;
    await this.queue.upsertJobScheduler(pollSchedulerId(sourceId), { every, startDate: Date.now() + every }, { name: POLL, data, opts: this.options });
  }

  async stopPolls(sourceId: string): Promise<void> {
    await this.queue.removeJobScheduler(pollSchedulerId(sourceId));
  }

  /** When the source's next poll fires, as BullMQ has it. */
  async nextPollAt(sourceId: string): Promise<Date | null> {
    const scheduler = await this.queue.getJobScheduler(pollSchedulerId(sourceId));
    return scheduler?.next ? new Date(scheduler.next) : null;
  }

  close(): Promise<void> {
    return this.queue.close();
  }
}
