import { ReconcileFailures, type Logger, type ReconcileCounts } from '@wavegraph/kit';
import type { Queue } from 'bullmq';
import type { DataSource } from 'typeorm';
import { chaptersJobId, FINALIZE, lateTranscribeJobId, processingJobId } from './processing.jobs';
import type { ChaptersEmbedder, ProcessingStarter } from './processing.port';

/**
 * What a round can restore: the processing flow of a PROCESSING asset, the lone transcribe job
 * of a READY one, and a chapters job whose asset's marks are behind, each added again.
 */
export const PROCESSING_RECONCILE_KINDS = ['requeued', 'retranscribed', 'chapters'] as const;

/** Assets read (and their flows looked up, concurrently) per batch. */
const BATCH = 200;

export interface ProcessingReconcileOptions {
  /**
   * An asset changed this recently is left for the next round: the API starts a flow just after
   * its transaction commits, and a round must not count that moment as a lost flow.
   */
  graceMs: number;
}

/**
 * One reconciliation round for media processing. The database is the source of truth: every
 * PROCESSING asset must have the flow of its current run in Redis, whose top job (`finalize`)
 * exists from the moment the flow is added until it is removed days after the run ended. An
 * asset whose finalize job Redis does not know has lost its flow (Redis came back empty), or
 * never got one (the API died between committing a finished upload and queueing it): its flow
 * is added again. Job ids are deterministic (asset, run, step), so a flow added twice, by two
 * replicas or by the API at the same moment, is one flow; the steps skip what is already done.
 */
export async function reconcileProcessing(
  dataSource: DataSource,
  jobs: Pick<Queue, 'getJobState'>,
  starter: ProcessingStarter,
  log: Logger,
  options: ProcessingReconcileOptions,
): Promise<ReconcileCounts> {
  const failures: unknown[] = [];
  // every kind is reported, restored or not, as reconcileChapters reports its own
  const counts: ReconcileCounts & { requeued: number } = { requeued: 0, retranscribed: await reconcileTranscriptions(dataSource, jobs, starter, log, options, failures) };
  let after: string | null = null;
  for (;;) {
    const rows: { id: string; run: number }[] = await dataSource.query(
      `SELECT id, run FROM media_assets
        WHERE status = 'PROCESSING' AND updated_at < now() - make_interval(secs => $1::double precision / 1000)
          AND ($2::uuid IS NULL OR id > $2::uuid)
        ORDER BY id LIMIT ${BATCH}`,
      [options.graceMs, after],
    );
    await Promise.all(
      rows.map(async ({ id, run }) => {
        try {
          if ((await jobs.getJobState(processingJobId(id, run, FINALIZE))) !== 'unknown') return;
          await starter.start(id);
          counts.requeued += 1;
          log.info({ assetId: id, run }, 'processing flow missing from Redis, queued again');
        } catch (error) {
          // one asset that cannot be queued must not keep the others waiting
          failures.push(error);
          log.warn({ assetId: id, run, err: error }, 'processing flow could not be reconciled');
        }
      }),
    );
    if (rows.length < BATCH) {
      if (failures.length) throw new ReconcileFailures(counts, failures);
      return counts;
    }
    after = rows[rows.length - 1].id;
  }
}

/**
 * READY assets whose transcript waits (PENDING: its language changed) must have their lone
 * transcribe job; one Redis lost is added again under the same id.
 */
async function reconcileTranscriptions(
  dataSource: DataSource,
  jobs: Pick<Queue, 'getJobState'>,
  starter: ProcessingStarter,
  log: Logger,
  options: ProcessingReconcileOptions,
  failures: unknown[],
): Promise<number> {
  let retranscribed = 0;
  const rows: { id: string; run: number; pending_since: Date }[] = await dataSource.query(
    `SELECT a.id, a.run, t.updated_at AS pending_since FROM media_transcripts t JOIN media_assets a ON a.id = t.asset_id
      WHERE t.status = 'PENDING' AND a.status = 'READY' AND t.updated_at < now() - make_interval(secs => $1::double precision / 1000)
      ORDER BY t.updated_at LIMIT ${BATCH}`,
    [options.graceMs],
  );
  for (const { id, run, pending_since } of rows) {
    try {
      if ((await jobs.getJobState(lateTranscribeJobId(id, run, pending_since))) !== 'unknown') continue;
      await starter.transcribe(id);
      retranscribed += 1;
      log.info({ assetId: id, run }, 'transcribe job missing from Redis, queued again');
    } catch (error) {
      failures.push(error);
      log.warn({ assetId: id, run, err: error }, 'transcribe job could not be reconciled');
    }
  }
  return retranscribed;
}

/**
 * Chapter marks behind the episode's chapters (the job could not be queued after an edit, Redis
 * lost it, or renditions were encoded with the revision before): each such asset whose job for that
 * change Redis does not know gets it (again). The job id names the change: never added twice.
 */
export async function reconcileChapters(
  dataSource: DataSource,
  jobs: Pick<Queue, 'getJobState'>,
  embedder: ChaptersEmbedder,
  log: Logger,
  options: ProcessingReconcileOptions,
): Promise<ReconcileCounts> {
  const counts = { chapters: 0 };
  const failures: unknown[] = [];
  let after: string | null = null;
  for (;;) {
    const rows: { id: string; run: number; revision: number; carried: number }[] = await dataSource.query(
      `SELECT a.id, a.run, c.revision, COALESCE((a.outputs->>'chaptersRevision')::int, 0) AS carried FROM media_assets a JOIN episode_chapters c ON c.episode_id = a.episode_id
        WHERE a.status IN ('READY', 'PROCESSING') AND a.outputs ? 'renditions'
          AND COALESCE((a.outputs->>'chaptersRevision')::int, 0) < c.revision
          AND c.updated_at < now() - make_interval(secs => $1::double precision / 1000)
          AND ($2::uuid IS NULL OR a.id > $2::uuid)
        ORDER BY a.id LIMIT ${BATCH}`,
      [options.graceMs, after],
    );
    for (const { id, run, revision, carried } of rows) {
      try {
        // queued, running, or given up on (its failure is logged): nothing lost to restore
        if ((await jobs.getJobState(chaptersJobId(id, run, revision, carried))) !== 'unknown') continue;
        await embedder.embedChapters(id);
        counts.chapters += 1;
      } catch (error) {
        failures.push(error);
        log.warn({ assetId: id, err: error }, 'chapter marks could not be reconciled');
      }
    }
    if (rows.length < BATCH) {
      if (failures.length) throw new ReconcileFailures(counts, failures);
      return counts;
    }
    after = rows[rows.length - 1].id;
  }
}
