import { type Viewer, canManage } from '@wavegraph/auth';
import { badInput, conflict, forbidden, type Logger, modifyReturning, requireUuid, type SubgraphPubSub, unauthenticated } from '@wavegraph/kit';
import type { DataSource, EntityManager } from 'typeorm';
import { assetNotFound } from '../common/errors';
import { prepareRerun } from '../processing/processing.rerun';
import type { ProcessingStarter } from '../processing/processing.port';
import { announce } from '../processing/progress';
import type { MediaStorage } from '../storage/storage.port';
import { MediaAsset } from './asset.entity';
import { MediaStatus } from './asset.enums';
import { assetPrefix } from './asset.outputs';
import { startProcessing } from './asset.starting';
import { republishAfterDeletion } from '../transcript/transcript.store';
import { scriptOf } from '../tts/script.store';

/** Drops the staged bytes of uploads that will never complete (implemented by the upload side). */
export interface UploadDiscarder {
  discardPending(tx: EntityManager, assetId: string): Promise<string[]>;
  removeFiles(uploadIds: readonly string[]): Promise<void>;
}

/** What owners and staff do to an asset after upload: retry a failed one, delete one. */
export class AssetService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly storage: MediaStorage,
    private readonly starter: ProcessingStarter,
    private readonly uploads: UploadDiscarder,
    private readonly pubSub: SubgraphPubSub,
    private readonly log: Logger,
  ) {}

  /** Starts the failed steps again (steps already DONE are kept); a new `run` tells stale jobs apart. */
  async retry(viewer: Viewer | null, id: string): Promise<MediaAsset> {
    const assetId = this.requireSignedIn(viewer, id);
    await this.dataSource.transaction(async (tx) => {
      const asset = await this.managed(tx, viewer, assetId);
      if (asset.status !== MediaStatus.FAILED) throw conflict(`Only a FAILED asset can be retried (this one is ${asset.status})`, 'assetId');
      // a script-made asset gets its source from synthesize, which the retry runs again if needed
      const fromScript = !asset.sourceKey && (await scriptOf(tx, assetId)) !== null;
      if (asset.failedStep === 'upload' || (!asset.sourceKey && !fromScript)) throw badInput('The upload itself was rejected; upload the file again', 'assetId');
      await prepareRerun(tx, assetId, 'failed');
    });
    await startProcessing(this.dataSource, this.starter, this.pubSub, this.log, assetId);
    return this.dataSource.getRepository(MediaAsset).findOneByOrFail({ id: assetId });
  }

  /**
   * Marks the asset DELETED and removes its objects; an upload still in progress is ended too.
   * Deleting twice is fine. Objects go after the commit: a failed removal leaves unreachable bytes,
   * never a visible asset without them.
   */
  async delete(viewer: Viewer | null, id: string): Promise<string> {
    const assetId = this.requireSignedIn(viewer, id);
    const { deleted, discarded } = await this.dataSource.transaction(async (tx) => {
      await this.managed(tx, viewer, assetId);
      const rows = await modifyReturning(tx, `UPDATE media_assets SET status = 'DELETED', updated_at = now() WHERE id = $1 AND status <> 'DELETED' RETURNING id`, [assetId]);
      if (rows.length > 0) await republishAfterDeletion(tx, assetId);
      return { deleted: rows.length > 0, discarded: await this.uploads.discardPending(tx, assetId) };
    });
    // whoever follows its processing stops waiting for an end that will not come
    if (deleted) await announce(this.pubSub, { assetId, deleted: true });
    await this.uploads.removeFiles(discarded);
    await this.storage.deletePrefix(assetPrefix(assetId));
    return assetId;
  }

  private requireSignedIn(viewer: Viewer | null, id: string): string {
    if (!viewer) throw unauthenticated();
    return requireUuid('assetId', id);
  }

  /** The asset, locked for the change, if the viewer may manage it; others learn nothing about it. */
  private async managed(tx: EntityManager, viewer: Viewer | null, assetId: string): Promise<MediaAsset> {
    const asset = await tx.findOne(MediaAsset, { where: { id: assetId }, lock: { mode: 'pessimistic_write' } });
    if (!asset) throw assetNotFound();
    if (!canManage(viewer, asset.ownerId)) {
      if (asset.status !== MediaStatus.READY) throw assetNotFound();
      throw forbidden('Only the owner, an editor or an admin can change this media');
    }
    return asset;
  }
}
