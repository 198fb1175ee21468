import { type Viewer, canManage } from '@wavegraph/auth';
import { forbidden, notFound, requireUuid, unauthenticated } from '@wavegraph/kit';
import type { DataSource, EntityManager } from 'typeorm';
import type { UploadDiscarder } from '../asset/asset.service';
import { MediaAsset } from '../asset/asset.entity';
import { MediaStatus } from '../asset/asset.enums';
import { episodeUnknown } from '../common/errors';
import { KnownEpisode } from '@wavegraph/events';
import { DEFAULT_UPLOAD_CHUNK_BYTES, type MediaConfig } from '../media.config';
import { STEPS } from '../processing/processing.port';
import type { QuotaService } from '../quota/quota.service';
import { MediaUpload, UploadStatus } from './upload.entity';
import type { UploadFiles } from './upload.files';
import { issueUploadToken } from './upload.token';
import type { CreateUploadInput, UploadTicket } from './upload.types';
import { validUpload } from './upload.validation';

/** Starting uploads, and reading them back. */
export class UploadService implements UploadDiscarder {
  constructor(
    private readonly dataSource: DataSource,
    private readonly files: UploadFiles,
    private readonly quotas: QuotaService,
    private readonly config: MediaConfig,
  ) {
    this.chunkBytes = config.uploadChunkBytes ?? DEFAULT_UPLOAD_CHUNK_BYTES;
  }

  private readonly chunkBytes: number;

  /**
   * Creates the asset (AWAITING_UPLOAD), its steps, the upload and the tus upload itself in one
   * go: the staged file is created last inside the transaction, so a failure anywhere leaves no
   * rows, and the returned URL can be resumed by any tus client straight away. The uploader's
   * quota is checked under their quota lock in the same transaction, before the first write.
   */
  async create(viewer: Viewer | null, input: CreateUploadInput): Promise<UploadTicket> {
    if (!viewer) throw unauthenticated();
    const valid = validUpload(input, this.config.maxUploadBytes);
    const createdAt = new Date();
    const expiresAt = new Date(createdAt.getTime() + this.config.uploadTtlSeconds * 1000);
    const upload = await this.dataSource.transaction(async (tx) => {
      const episode = await tx.findOne(KnownEpisode, { where: { episodeId: valid.episodeId }, lock: { mode: 'pessimistic_read' } });
      if (!episode) throw episodeUnknown();
      if (!canManage(viewer, episode.ownerId)) throw forbidden("Only the episode's owner, an editor or an admin can upload its media");
      await this.quotas.reserve(tx, viewer, valid.sizeBytes);
      const asset = await tx.save(
        tx.create(MediaAsset, { episodeId: episode.episodeId, ownerId: episode.ownerId, status: MediaStatus.AWAITING_UPLOAD, mimeType: valid.mimeType, outputs: {}, run: 0, updatedAt: createdAt }),
      );
      await tx.query('INSERT INTO media_steps (asset_id, step) SELECT $1, unnest($2::text[])', [asset.id, [...STEPS]]);
      const saved = await tx.save(
        tx.create(MediaUpload, {
          assetId: asset.id, episodeId: episode.episodeId, ownerId: episode.ownerId, uploaderId: viewer.id, filename: valid.filename, mimeType: valid.mimeType,
          sizeBytes: valid.sizeBytes, expectedSha256: valid.sha256, status: UploadStatus.PENDING, expiresAt, createdAt,
        }),
      );
      await this.files.create(saved.id, valid.sizeBytes, { filename: valid.filename, filetype: valid.mimeType }, createdAt);
      return saved;
    });
    return {
      upload,
      uploadUrl: `${this.endpoint()}/${upload.id}`,
      endpoint: this.endpoint(),
      chunkSize: this.chunkBytes,
      token: issueUploadToken(this.config.signingSecret, upload.id, expiresAt),
      expiresAt,
    };
  }

  /** The upload, for the owner of its episode and staff; others get NOT_FOUND. */
  async get(viewer: Viewer | null, id: string): Promise<MediaUpload> {
    if (!viewer) throw unauthenticated();
    const upload = await this.dataSource.getRepository(MediaUpload).findOneBy({ id: requireUuid('id', id) });
    if (!upload || !canManage(viewer, upload.ownerId)) throw notFound('Upload');
    return upload;
  }

  findByIds(ids: readonly string[]): Promise<MediaUpload[]> {
    return ids.length ? this.dataSource.getRepository(MediaUpload).createQueryBuilder('u').where('u.id IN (:...ids)', { ids }).getMany() : Promise.resolve([]);
  }

  /**
   * Ends the asset's unfinished uploads (it is being deleted); returns them so their files can go
   * after commit. An open recording session of the asset ends too (EXPIRED: no chunk is taken, no
   * finish can bring the asset back); the cleanup sweep removes its chunks.
   */
  async discardPending(tx: EntityManager, assetId: string): Promise<string[]> {
    await tx.query(
      `UPDATE recording_sessions SET status = 'EXPIRED', failure_reason = 'its asset was deleted' WHERE asset_id = $1 AND status IN ('RECORDING', 'FINISHING')`,
      [assetId],
    );
    const rows: { id: string }[] = await tx.query(
      `WITH ended AS (UPDATE uploads SET status = 'EXPIRED' WHERE asset_id = $1 AND status = 'PENDING' RETURNING id) SELECT id FROM ended`,
      [assetId],
    );
    return rows.map((row) => row.id);
  }

  removeFiles(uploadIds: readonly string[]): Promise<void> {
    return this.files.remove(uploadIds);
  }

  endpoint(): string {
    return `${this.config.publicUrl}/uploads`;
  }
}
