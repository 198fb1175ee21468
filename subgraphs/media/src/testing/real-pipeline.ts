import path from 'node:path';
import { createRedisConnections } from '@wavegraph/kit';
import { TEST_REDIS_URL } from '@wavegraph/testkit';
import { ProcessingQueue } from '../processing/processing.queue';
import { startMediaWorker, type MediaWorker } from '../processing/processing.worker';
import type { MediaHarness } from './harness';

export interface RealPipeline {
  worker: MediaWorker;
  queue: ProcessingQueue;
  close(): Promise<void>;
}

/**
 * A real media worker (sandboxed ffmpeg processors) beside a media harness, on its database,
 * Redis prefix and storage, as deployed, with a processing queue of its own (one attempt).
 */
export async function startRealPipeline(h: MediaHarness, owner: string): Promise<RealPipeline> {
  // the queue's connection, owned here: closed after the queue
  const redis = createRedisConnections(TEST_REDIS_URL, { owner });
  const { dataDir } = h.services.config;
  const worker = await startMediaWorker({
    databaseUrl: h.database.url,
    dataSource: h.running.db.dataSource,
    redisUrl: TEST_REDIS_URL,
    prefix: h.redisPrefix,
    env: { MEDIA_STORAGE: 'filesystem', MEDIA_DIR: dataDir, MEDIA_WORK_DIR: path.join(dataDir, 'work') },
  });
  const queue = new ProcessingQueue(redis, h.redisPrefix, h.running.db.dataSource, { attempts: 1, backoffMs: 100 });
  return {
    worker,
    queue,
    close: async () => {
      await worker.close();
      await queue.close();
      await redis.close();
    },
  };
}
