import { modifyReturning, type SubgraphPubSub } from '@wavegraph/kit';
import type { DataSource } from 'typeorm';
import { announceDeleted, deleteUnfilled } from '../asset/asset.unfilled';
import type { MediaStorage } from '../storage/storage.port';
import { RecordingStatus } from './recording.entity';
import { recordingPrefix } from './recording.entity';
import { announceSession } from './recording.live';

const BATCH = 200;

/**
 * Ends sessions that received no chunk (nor a finish) before `expires_at`: the session becomes
 * EXPIRED and its asset, which never had a source, DELETED, as an abandoned upload's. Rows are
 * claimed with SKIP LOCKED (a chunk being stored holds its session's row), so several replicas
 * can sweep at once. Their chunks go with removeEndedChunks. Returns how many ended.
 */
export async function expireRecordings(dataSource: DataSource, pubSub: SubgraphPubSub, now: Date = new Date()): Promise<number> {
  let total = 0;
  for (;;) {
    const { ended, deleted } = await dataSource.transaction(async (tx) => {
      const rows = await modifyReturning<{ id: string; asset_id: string }>(
        tx,
        `UPDATE recording_sessions SET status = 'EXPIRED'
         WHERE id IN (SELECT id FROM recording_sessions WHERE status IN ('RECORDING', 'FINISHING') AND expires_at <= $1 ORDER BY expires_at LIMIT $2 FOR UPDATE SKIP LOCKED)
         RETURNING id, asset_id`,
        [now, BATCH],
      );
      return { ended: rows.map((row) => row.id), deleted: await deleteUnfilled(tx, rows.map((row) => row.asset_id)) };
    });
    await announceDeleted(pubSub, deleted);
    await Promise.all(ended.map((sessionId) => announceSession(pubSub, { sessionId, status: RecordingStatus.EXPIRED })));
    total += ended.length;
    if (ended.length < BATCH) return total;
  }
}

/**
 * Removes the stored chunks of sessions that ended (finished: the source holds their bytes;
 * failed or expired: nobody will stitch them) and marks them removed; a removal that fails is
 * tried again at the next sweep. Returns how many sessions' chunks went.
 */
export async function removeEndedChunks(dataSource: DataSource, storage: MediaStorage, only?: readonly string[]): Promise<number> {
  let total = 0;
  for (;;) {
    const rows = (await dataSource.query(
      `SELECT id FROM recording_sessions WHERE status IN ('FINISHED', 'FAILED', 'EXPIRED') AND NOT chunks_removed ${only ? 'AND id = ANY($2::uuid[])' : ''} LIMIT $1`,
      only ? [BATCH, only] : [BATCH],
    )) as { id: string }[];
    for (const { id } of rows) {
      await storage.deletePrefix(recordingPrefix(id));
      await dataSource.query('UPDATE recording_sessions SET chunks_removed = true WHERE id = $1', [id]);
    }
    total += rows.length;
    if (rows.length < BATCH) return total;
  }
}
