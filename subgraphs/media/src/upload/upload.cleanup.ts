import type { Logger, SubgraphPubSub } from '@wavegraph/kit';
import type { DataSource } from 'typeorm';
import { announceDeleted, deleteUnfilled } from '../asset/asset.unfilled';
import { expireRecordings, removeEndedChunks } from '../recording/recording.cleanup';
import { sweepRetired } from '../storage/retired';
import type { MediaStorage } from '../storage/storage.port';
import type { UploadFiles } from './upload.files';

const BATCH = 200;

/**
 * Ends uploads not completed before `expires_at`: the upload becomes EXPIRED and its asset,
 * which never had any content, DELETED (so the episode shows its previous media again and
 * operators' failed list is not flooded by abandoned uploads); the staged bytes are removed.
 * Rows are claimed with SKIP LOCKED, so several replicas can sweep at once. Returns how many ended.
 */
export async function expireUploads(dataSource: DataSource, files: UploadFiles, pubSub: SubgraphPubSub, now: Date = new Date()): Promise<number> {
  let total = 0;
  for (;;) {
    const { ended, deleted } = await dataSource.transaction(async (tx) => {
      const rows: { id: string; asset_id: string }[] = await tx.query(
        `WITH expired AS (
           UPDATE uploads SET status = 'EXPIRED'
           WHERE id IN (SELECT id FROM uploads WHERE status = 'PENDING' AND expires_at <= $1 ORDER BY expires_at LIMIT $2 FOR UPDATE SKIP LOCKED)
           RETURNING id, asset_id)
         SELECT id, asset_id FROM expired`,
        [now, BATCH],
      );
      return { ended: rows.map((row) => row.id), deleted: await deleteUnfilled(tx, rows.map((row) => row.asset_id)) };
    });
    // after the commit: a PATCH finishing meanwhile now finds the upload EXPIRED and is refused
    await announceDeleted(pubSub, deleted);
    await files.remove(ended);
    total += ended.length;
    if (ended.length < BATCH) return total;
  }
}

/**
 * Runs expireUploads every `everyMs`, plus the datastore's own sweep for staged files no row
 * points to; expires abandoned recording sessions and removes ended sessions' chunks
 * (recording/recording.cleanup.ts); and removes retired objects whose grace is over (storage/retired.ts).
 */
export function scheduleUploadCleanup(
  { dataSource, files, pubSub, storage }: { dataSource: DataSource; files: UploadFiles; pubSub: SubgraphPubSub; storage: MediaStorage },
  everyMs: number,
  log: Logger,
): () => Promise<void> {
  let running: Promise<void> = Promise.resolve();
  const sweep = async (): Promise<void> => {
    try {
      const expired = await expireUploads(dataSource, files, pubSub);
      if (expired) log.info({ expired }, 'expired abandoned uploads');
      if (files.store.hasExtension('expiration')) await files.store.deleteExpired();
    } catch (error) {
      log.warn({ err: error }, 'upload cleanup failed; trying again at the next sweep');
    }
    try {
      const expired = await expireRecordings(dataSource, pubSub);
      if (expired) log.info({ expired }, 'expired abandoned recording sessions');
      const removed = await removeEndedChunks(dataSource, storage);
      if (removed) log.info({ removed }, 'removed the chunks of ended recording sessions');
    } catch (error) {
      log.warn({ err: error }, 'recording cleanup failed; trying again at the next sweep');
    }
    try {
      const removed = await sweepRetired(dataSource, storage);
      if (removed) log.info({ removed }, 'removed retired media objects');
    } catch (error) {
      log.warn({ err: error }, 'removing retired objects failed; trying again at the next sweep');
    }
  };
  const timer = setInterval(() => {
    running = sweep();
  }, everyMs);
  timer.unref();
  return async () => {
    clearInterval(timer);
    await running;
  };
}

/** tus termination (DELETE) of an upload in progress: ended like an expired one, at once. */
export async function terminateUpload(dataSource: DataSource, files: UploadFiles, pubSub: SubgraphPubSub, uploadId: string): Promise<void> {
  const deleted = await dataSource.transaction(async (tx) => {
    const rows: { asset_id: string }[] = await tx.query(
      `WITH ended AS (UPDATE uploads SET status = 'EXPIRED' WHERE id = $1 AND status = 'PENDING' RETURNING asset_id) SELECT asset_id FROM ended`,
      [uploadId],
    );
    return deleteUnfilled(tx, rows.map((row) => row.asset_id));
  });
  await announceDeleted(pubSub, deleted);
  await files.remove([uploadId]);
}
