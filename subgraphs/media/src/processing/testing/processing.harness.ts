import { createLogger, createRedisConnections, openDatabase } from '@wavegraph/kit';
import { dropRedisPrefix, freshDatabase, freshRedisPrefix, TEST_REDIS_URL, type TestDatabase } from '@wavegraph/testkit';
import { randomUUID } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { DataSource } from 'typeorm';
import { sourceKey, type AssetOutputs } from '../../asset/asset.outputs';
import { MEDIA_MIGRATIONS } from '../../migrations';
import { FilesystemStorage } from '../../storage/filesystem.storage';
import { storageDir } from '../../storage/storage.factory';
import { STEPS } from '../processing.port';
import { ProcessingQueue } from '../processing.queue';
import { startMediaWorker, type MediaWorker, type MediaWorkerOptions } from '../processing.worker';

/** A media database, a Redis prefix, filesystem storage in a temp dir, and the processing queue. */
export interface ProcessingHarness {
  database: TestDatabase;
  dataSource: DataSource;
  prefix: string;
  /** MEDIA_DIR of the processors; storage lives below it as the factory places it. */
  mediaDir: string;
  storageRoot: string;
  storage: FilesystemStorage;
  queue: ProcessingQueue;
  /** Environment a worker process needs to serve this harness. */
  env: Record<string, string>;
  startWorker(options?: Partial<MediaWorkerOptions>): Promise<MediaWorker>;
  /** An asset PROCESSING with its source uploaded and every step PENDING, as the API leaves it. */
  createAsset(sourceFile: string | null, mimeType?: string): Promise<string>;
  stop(): Promise<void>;
}

/** `redisUrl`: another Redis than the shared test one (a private one the test wipes). */
export async function processingHarness(queueOptions = { attempts: 3, backoffMs: 200 }, redisUrl = TEST_REDIS_URL): Promise<ProcessingHarness> {
  const database = await freshDatabase('media');
  const { dataSource } = await openDatabase({ url: database.url, entities: [], migrations: MEDIA_MIGRATIONS, logger: createLogger('media-test'), poolSize: 4 });
  const prefix = freshRedisPrefix();
  const mediaDir = await mkdtemp(path.join(tmpdir(), 'wavegraph-media-test-'));
  const storageRoot = storageDir({ dataDir: mediaDir });
  const storage = new FilesystemStorage(storageRoot);
  // the harness owns the queue's connection, as the subgraph does: closed after the queue
  const redis = createRedisConnections(redisUrl, { owner: 'processing-harness' });
  const queue = new ProcessingQueue(redis, prefix, dataSource, queueOptions);
  const workers: MediaWorker[] = [];
  const env = {
    MEDIA_DATABASE_URL: database.url,
    REDIS_URL: redisUrl,
    REDIS_PREFIX: prefix,
    MEDIA_STORAGE: 'filesystem',
    MEDIA_DIR: mediaDir,
    MEDIA_WORK_DIR: path.join(mediaDir, 'work'),
    // these specs look at storage right after a swap: replaced objects go at once (storage/retired.spec.ts covers the grace)
    MEDIA_RETIRED_GRACE_SECONDS: '0',
  };

  return {
    database,
    dataSource,
    prefix,
    mediaDir,
    storageRoot,
    storage,
    queue,
    env,
    async startWorker(options = {}) {
      const worker = await startMediaWorker({
        databaseUrl: database.url,
        dataSource,
        redisUrl,
        prefix,
        concurrency: 2,
        // flows queued again by reconciliation get the harness's attempts and backoff
        queue: queueOptions,
        env: { MEDIA_STORAGE: env.MEDIA_STORAGE, MEDIA_DIR: env.MEDIA_DIR, MEDIA_WORK_DIR: env.MEDIA_WORK_DIR, MEDIA_RETIRED_GRACE_SECONDS: env.MEDIA_RETIRED_GRACE_SECONDS },
        ...options,
      });
      workers.push(worker);
      return worker;
    },
    async createAsset(sourceFile, mimeType = 'audio/mpeg') {
      const id = randomUUID();
      const key = sourceKey(id);
      if (sourceFile) await storage.putFile(key, sourceFile);
      await dataSource.query(
        "INSERT INTO media_assets (id, episode_id, owner_id, status, source_key, mime_type) VALUES ($1, $2, $3, 'PROCESSING', $4, $5)",
        [id, randomUUID(), randomUUID(), key, mimeType],
      );
      for (const step of STEPS) await dataSource.query('INSERT INTO media_steps (asset_id, step) VALUES ($1, $2)', [id, step]);
      return id;
    },
    async stop() {
      await Promise.all(workers.map((worker) => worker.close()));
      await queue.close();
      await redis.close();
      await dataSource.destroy();
      await database.drop();
      await dropRedisPrefix(prefix);
      await rm(mediaDir, { recursive: true, force: true });
    },
  };
}

export interface AssetState {
  status: string;
  duration_seconds: number | null;
  codec: string | null;
  channels: number | null;
  sample_rate: number | null;
  has_video: boolean | null;
  width: number | null;
  height: number | null;
  frame_rate: number | null;
  input_lufs: number | null;
  integrated_lufs: number | null;
  true_peak_dbtp: number | null;
  outputs: AssetOutputs;
  failed_step: string | null;
  failure_reason: string | null;
  run: number;
  ready_at: Date | null;
}

export async function assetState(dataSource: DataSource, id: string): Promise<AssetState> {
  const [row] = await dataSource.query('SELECT * FROM media_assets WHERE id = $1', [id]);
  return row as AssetState;
}

export async function stepStates(dataSource: DataSource, id: string): Promise<Record<string, { status: string; progress: number; attempts: number; reason: string | null }>> {
  const rows: { step: string; status: string; progress: number; attempts: number; reason: string | null }[] = await dataSource.query(
    'SELECT step, status, progress, attempts, reason FROM media_steps WHERE asset_id = $1',
    [id],
  );
  return Object.fromEntries(rows.map(({ step, ...rest }) => [step, rest]));
}

export async function outboxEvents(dataSource: DataSource, id: string): Promise<{ type: string; payload: Record<string, unknown> }[]> {
  return dataSource.query('SELECT type, payload FROM outbox WHERE aggregate_id = $1 ORDER BY position', [id]);
}
