import { pubSubChannel, type Redis } from '@wavegraph/kit';

/**
 * What the `ingestProgress` subscription relays, on the job's topic of the subgraph's pub/sub:
 * only that the job changed (the subscription reads the row, which the worker wrote before
 * publishing). The worker is another process, so it publishes on the Redis channel directly.
 */
export interface IngestProgressMessage {
  jobId: string;
}

export const ingestProgressTopic = (jobId: string): string => `INGEST_PROGRESS:${jobId}`;

export type ProgressPublisher = (jobId: string) => Promise<void>;

/** Best effort, like every live update: a lost one is only late, the next one carries the state. */
export function redisProgressPublisher(redis: Redis, prefix: string, onError: (error: unknown) => void): ProgressPublisher {
  return async (jobId) => {
    const message: IngestProgressMessage = { jobId };
    await redis.publish(pubSubChannel(prefix, ingestProgressTopic(jobId)), JSON.stringify(message)).catch(onError);
  };
}
