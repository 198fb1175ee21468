import { ReconcileFailures, type Logger, type ReconcileCounts } from '@wavegraph/kit';
import type { DataSource } from 'typeorm';
import { publishIfStillScheduled } from '../episode/episode.workflow';
import { publishJobId, type PublishQueue } from './publish.queue';

/** What a round can restore: a future episode's delayed job added again, a due episode published at once. */
export const PUBLISH_RECONCILE_KINDS = ['requeued', 'published'] as const;

/** Job states in which the job will still publish the episode by itself. */
const PENDING_STATES = new Set(['delayed', 'waiting', 'active', 'prioritized', 'waiting-children']);
/** Episodes read (and their jobs looked up, concurrently) per batch. */
const BATCH = 200;

interface Scheduled {
  id: string;
  scheduled_at: Date;
}

/**
 * One reconciliation round for scheduled publishing. The database is the source of truth: every
 * SCHEDULED episode must have its delayed job (id `publishJobId(episode, time)`). When Redis lost
 * it (or gave it up after its retries):
 * - a due episode is published here, by the job's own `publishIfStillScheduled`, so the event is
 *   recorded once however many replicas (and a late job) try at the same time;
 * - a future one gets its job added again under the same id, which BullMQ adds at most once.
 * Episodes are read in batches by (scheduled_at, id) through a partial index on SCHEDULED.
 */
export async function reconcileScheduledPublishing(dataSource: DataSource, publishing: PublishQueue, log: Logger): Promise<ReconcileCounts> {
  const counts = { requeued: 0, published: 0 };
  const failures: unknown[] = [];
  let after: Scheduled | undefined;
  for (;;) {
    const rows: Scheduled[] = await dataSource.query(
      `SELECT id, scheduled_at FROM episodes
        WHERE status = 'SCHEDULED' AND scheduled_at IS NOT NULL AND ($1::timestamptz IS NULL OR (scheduled_at, id) > ($1, $2::uuid))
        ORDER BY scheduled_at, id LIMIT ${BATCH}`,
      [after?.scheduled_at ?? null, after?.id ?? null],
    );
    await Promise.all(
      rows.map(async (row) => {
        const publishAt = new Date(row.scheduled_at);
        try {
          const kind = await reconcileEpisode(dataSource, publishing, row.id, publishAt);
          if (!kind) return;
          counts[kind] += 1;
          log.info({ episodeId: row.id, publishAt: publishAt.toISOString(), kind }, 'scheduled publish missing from Redis, restored');
        } catch (error) {
          // one episode that cannot be published must not keep the others waiting
          failures.push(error);
          log.warn({ episodeId: row.id, publishAt: publishAt.toISOString(), err: error }, 'scheduled publish could not be reconciled');
        }
      }),
    );
    if (rows.length < BATCH) {
      if (failures.length) throw new ReconcileFailures(counts, failures);
      return counts;
    }
    after = rows[rows.length - 1];
  }
}

async function reconcileEpisode(dataSource: DataSource, publishing: PublishQueue, episodeId: string, at: Date): Promise<'requeued' | 'published' | null> {
  const jobId = publishJobId(episodeId, at);
  const state = await publishing.queue.getJobState(jobId);
  if (PENDING_STATES.has(state)) return null;
  if (at.getTime() <= Date.now()) return (await publishIfStillScheduled(dataSource, episodeId, at)) ? 'published' : null;
  // a finished job under this id (it can only have been a stale one) would make the add a no-op
  if (state !== 'unknown') await publishing.queue.remove(jobId);
  await publishing.schedule(episodeId, at);
  return 'requeued';
}
