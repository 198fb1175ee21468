import { createHash, randomUUID } from 'node:crypto';
import { createReadStream, createWriteStream } from 'node:fs';
import { mkdir, rm } from 'node:fs/promises';
import path from 'node:path';
import type { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { MediaFailed, recordEvent, UploadCompleted } from '@wavegraph/events';
import type { Logger, SubgraphPubSub } from '@wavegraph/kit';
import type { Upload as TusUpload } from '@tus/server';
import type { DataSource } from 'typeorm';
import { sourceKey } from '../asset/asset.outputs';
import { markSourceStored } from '../asset/asset.source';
import { startProcessing } from '../asset/asset.starting';
import type { MediaConfig } from '../media.config';
import type { ProcessingStarter } from '../processing/processing.port';
import { announce } from '../processing/progress';
import type { MediaStorage } from '../storage/storage.port';
import { MediaUpload, UploadStatus } from './upload.entity';
import type { UploadFiles } from './upload.files';

/** What tus sends the client when the finished file is refused: 460 is tus's "checksum mismatch". */
export interface TusRefusal {
  status_code: number;
  body: string;
}

export const CHECKSUM_MISMATCH = 460;

/**
 * Turns a finished tus upload into an asset's source: verify size and sha-256, move the bytes
 * into storage, then in one transaction complete the upload, move the asset to PROCESSING and
 * record UploadCompleted; only after the commit is processing started. A mismatch rejects the
 * upload (asset FAILED at step 'upload') and nothing is processed.
 */
export class UploadFinisher {
  constructor(
    private readonly dataSource: DataSource,
    private readonly files: UploadFiles,
    private readonly storage: MediaStorage,
    private readonly starter: ProcessingStarter,
    private readonly config: MediaConfig,
    private readonly pubSub: SubgraphPubSub,
    private readonly log: Logger,
  ) {}

  /**
   * Called by tus once the last byte is written (before it answers the PATCH), and again by a
   * later HEAD when a previous finish failed half-way (e.g. storage was down): every step is
   * safe to repeat. It holds the upload's lock, so a HEAD on any replica waits for it instead of
   * finishing the same upload twice. Throws a TusRefusal to refuse the file.
   */
  finish(tusUpload: TusUpload): Promise<void> {
    return this.files.withLock(tusUpload.id, () => this.verifyAndStore(tusUpload));
  }

  private async verifyAndStore(tusUpload: TusUpload): Promise<void> {
    const upload = await this.dataSource.getRepository(MediaUpload).findOneBy({ id: tusUpload.id });
    if (!upload) throw refusal(404, 'Unknown upload\n');
    if (upload.status === UploadStatus.COMPLETED) return;
    if (upload.status !== UploadStatus.PENDING) throw refusal(410, 'The upload is no longer accepted\n');
    // hashed as the bytes arrived when this replica saw them all; otherwise read once more
    const received = this.files.received(tusUpload.id, tusUpload.offset);
    const local = await this.localCopy(tusUpload);
    let completed: boolean;
    try {
      const { size, sha256 } = received ?? (await measure(local.path));
      const problem =
        size !== upload.sizeBytes
          ? `received ${size} bytes, ${upload.sizeBytes} were declared`
          : upload.expectedSha256 && sha256 !== upload.expectedSha256
            ? `sha-256 ${sha256} does not match the declared ${upload.expectedSha256}`
            : null;
      if (problem) {
        await this.reject(upload, sha256, problem);
        throw refusal(CHECKSUM_MISMATCH, `Upload rejected: ${problem}\n`);
      }
      // the staged file is only removed from here on: storage may take its bytes without a copy
      await this.storage.putFile(sourceKey(upload.assetId), local.path, upload.mimeType, { linkable: true });
      completed = await this.complete(upload, size, sha256);
    } finally {
      await local.release();
    }
    await this.files.removeUnlocked(upload.id);
    // another replica finished it first: it started processing too
    if (completed) await startProcessing(this.dataSource, this.starter, this.pubSub, this.log, upload.assetId);
  }

  /** True when this call completed the upload, false when it already was (a concurrent finish). */
  private async complete(upload: MediaUpload, size: number, sha256: string): Promise<boolean> {
    return this.dataSource.transaction(async (tx) => {
      const [current] = await tx.query('SELECT status FROM uploads WHERE id = $1 FOR UPDATE', [upload.id]);
      if (current?.status === UploadStatus.COMPLETED) return false;
      // expired or deleted while the last bytes were hashed: the asset is gone, so is this upload
      if (current?.status !== UploadStatus.PENDING) throw refusal(410, 'The upload is no longer accepted\n');
      await tx.query(`UPDATE uploads SET status = 'COMPLETED', sha256 = $2, completed_at = now() WHERE id = $1`, [upload.id, sha256]);
      await markSourceStored(tx, upload.assetId, { sha256, size });
      await recordEvent(tx, UploadCompleted, upload.assetId, {
        uploadId: upload.id, assetId: upload.assetId, episodeId: upload.episodeId, ownerId: upload.ownerId, sizeBytes: size, sha256, mimeType: upload.mimeType,
      });
      return true;
    });
  }

  private async reject(upload: MediaUpload, sha256: string, reason: string): Promise<void> {
    const rejected = await this.dataSource.transaction(async (tx) => {
      const [current] = await tx.query('SELECT status FROM uploads WHERE id = $1 FOR UPDATE', [upload.id]);
      if (current?.status !== UploadStatus.PENDING) return false;
      await tx.query(`UPDATE uploads SET status = 'REJECTED', sha256 = $2, rejection_reason = $3 WHERE id = $1`, [upload.id, sha256, reason]);
      await tx.query(`UPDATE media_assets SET status = 'FAILED', failed_step = 'upload', failure_reason = $2, updated_at = now() WHERE id = $1`, [
        upload.assetId, reason,
      ]);
      await recordEvent(tx, MediaFailed, upload.assetId, { assetId: upload.assetId, episodeId: upload.episodeId, ownerId: upload.ownerId, step: 'upload', reason });
      return true;
    });
    if (rejected) await announce(this.pubSub, { assetId: upload.assetId, step: 'upload', progress: 0, status: 'FAILED', reason });
    await this.files.removeUnlocked(upload.id);
    this.log.info({ uploadId: upload.id, reason }, 'upload rejected');
  }

  /**
   * A local file with the upload's bytes: the file store's own file, or (for stores that keep
   * uploads elsewhere, like S3) a temporary copy streamed from the datastore.
   */
  private async localCopy(tusUpload: TusUpload): Promise<{ path: string; release(): Promise<void> }> {
    if (tusUpload.storage?.type === 'file' && tusUpload.storage.path) return { path: tusUpload.storage.path, release: async () => undefined };
    const store = this.files.store as { read?(id: string): Readable | Promise<Readable> };
    if (!store.read) throw new Error('the upload datastore cannot read uploads back');
    const dir = path.join(this.config.dataDir, 'tmp');
    await mkdir(dir, { recursive: true });
    const temp = path.join(dir, `upload-${randomUUID()}`);
    await pipeline(await store.read(tusUpload.id), createWriteStream(temp));
    return { path: temp, release: () => rm(temp, { force: true }) };
  }
}

const refusal = (status_code: number, body: string): TusRefusal => ({ status_code, body });

export const isTusRefusal = (error: unknown): error is TusRefusal =>
  typeof error === 'object' && error !== null && typeof (error as TusRefusal).status_code === 'number' && typeof (error as TusRefusal).body === 'string';

/** Size and sha-256 of a file, streamed (a multi-gigabyte upload never sits in memory). */
async function measure(file: string): Promise<{ size: number; sha256: string }> {
  const hash = createHash('sha256');
  let size = 0;
  for await (const chunk of createReadStream(file)) {
    hash.update(chunk as Buffer);
    size += (chunk as Buffer).length;
  }
  return { size, sha256: hash.digest('hex') };
}
