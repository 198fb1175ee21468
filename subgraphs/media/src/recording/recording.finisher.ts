import { rm } from 'node:fs/promises';
import path from 'node:path';
import { MediaFailed, recordEvent, RecordingSessionFinished } from '@wavegraph/events';
import { modifyReturning, type Logger, type SubgraphPubSub } from '@wavegraph/kit';
import type { DataSource } from 'typeorm';
import { sourceKey } from '../asset/asset.outputs';
import { markSourceStored } from '../asset/asset.source';
import { startProcessing } from '../asset/asset.starting';
import type { MediaConfig } from '../media.config';
import { lastLines, ToolError } from '../processing/ffmpeg';
import type { ProcessingStarter } from '../processing/processing.port';
import { announce } from '../processing/progress';
import { makeWorkDir } from '../processing/work-dir';
import type { MediaStorage } from '../storage/storage.port';
import { removeEndedChunks } from './recording.cleanup';
import { RecordingStatus, type RecordingSession } from './recording.entity';
import { announceSession } from './recording.live';
import { stitchChunks } from './recording.stitch';

/**
 * Turns a FINISHING session into its asset's source: stitch the chunks, store the file under the
 * asset's source key, then in one transaction finish the session, move the asset to PROCESSING
 * (markSourceStored, as a finished upload does) and record RecordingSessionFinished; after the
 * commit processing starts exactly as for an upload (startProcessing). Safe to repeat: only the
 * call whose transaction moves the session from FINISHING starts processing.
 */
export class RecordingFinisher {
  constructor(
    private readonly dataSource: DataSource,
    private readonly storage: MediaStorage,
    private readonly starter: ProcessingStarter,
    private readonly config: MediaConfig,
    private readonly pubSub: SubgraphPubSub,
    private readonly log: Logger,
  ) {}

  async finish(session: RecordingSession): Promise<void> {
    const lastSequence = session.lastSequence as number;
    const dir = await makeWorkDir(path.join(this.config.dataDir, 'tmp'), 'recording');
    try {
      let stitched;
      try {
        stitched = await stitchChunks(this.storage, session, lastSequence, dir);
      } catch (error) {
        if (!(error instanceof ToolError)) throw error;
        // what ffmpeg said, without our paths
        return await this.fail(session, `the chunks do not form a playable recording: ${lastLines(error.stderr).split(dir).join('')}`);
      }
      await this.storage.putFile(sourceKey(session.assetId), stitched.path, stitched.mimeType, { linkable: true });
      const finished = await this.dataSource.transaction(async (tx) => {
        const [row] = await modifyReturning<{ id: string }>(
          tx,
          `UPDATE recording_sessions SET status = 'FINISHED', finished_at = now() WHERE id = $1 AND status = 'FINISHING' RETURNING id`,
          [session.id],
        );
        if (!row) return false;
        await markSourceStored(tx, session.assetId, stitched);
        await recordEvent(tx, RecordingSessionFinished, session.id, {
          sessionId: session.id, assetId: session.assetId, episodeId: session.episodeId, ownerId: session.ownerId,
          chunks: lastSequence + 1, sizeBytes: stitched.size, sha256: stitched.sha256,
        });
        return true;
      });
      if (!finished) return;
      this.log.info({ sessionId: session.id, assetId: session.assetId, bytes: stitched.size }, 'recording stitched');
      await announceSession(this.pubSub, { sessionId: session.id, status: RecordingStatus.FINISHED });
      await startProcessing(this.dataSource, this.starter, this.pubSub, this.log, session.assetId);
      await this.removeChunks(session.id);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  }

  /** The chunks were not media: the session FAILED, its asset too (step 'recording'), as a rejected upload's. */
  private async fail(session: RecordingSession, reason: string): Promise<void> {
    const failed = await this.dataSource.transaction(async (tx) => {
      const [row] = await modifyReturning<{ id: string }>(
        tx,
        `UPDATE recording_sessions SET status = 'FAILED', failure_reason = $2, finished_at = now() WHERE id = $1 AND status = 'FINISHING' RETURNING id`,
        [session.id, reason],
      );
      if (!row) return false;
      await tx.query(`UPDATE media_assets SET status = 'FAILED', failed_step = 'recording', failure_reason = $2, updated_at = now() WHERE id = $1`, [
        session.assetId, reason,
      ]);
      await recordEvent(tx, MediaFailed, session.assetId, { assetId: session.assetId, episodeId: session.episodeId, ownerId: session.ownerId, step: 'recording', reason });
      return true;
    });
    if (!failed) return;
    this.log.info({ sessionId: session.id, reason }, 'recording failed');
    await announceSession(this.pubSub, { sessionId: session.id, status: RecordingStatus.FAILED });
    await announce(this.pubSub, { assetId: session.assetId, step: 'recording', progress: 0, status: 'FAILED', reason });
    await this.removeChunks(session.id);
  }

  /** At once; should storage refuse now, the cleanup sweep removes them later. */
  private async removeChunks(sessionId: string): Promise<void> {
    await removeEndedChunks(this.dataSource, this.storage, [sessionId]).catch((error: unknown) =>
      this.log.warn({ err: error, sessionId }, 'could not remove the chunks of a finished recording yet; the cleanup sweep will'),
    );
  }
}
