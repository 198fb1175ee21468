import { createHash } from 'node:crypto';
import { mkdir, rm } from 'node:fs/promises';
import path from 'node:path';
import type { Viewer } from '@wavegraph/auth';
import type { Logger } from '@wavegraph/kit';
import type { DataSource } from 'typeorm';
import { SubgraphError } from '../api/signed-graphql';
import { FetchFailure, type FetchPolicy } from '../fetch/safe-fetch';
import type { MediaClient } from '../media/media.client';
import { FeedSource, IngestItem } from '../source/source.entity';
import { downloadResumable } from './enclosure.download';
import { fileNameOf, mediaTypeOf } from './enclosure.files';
import { sendTus } from './tus.upload';

export interface EnclosureImporterDeps {
  dataSource: DataSource;
  media: MediaClient;
  /** maxBytes is INGEST_MAX_ENCLOSURE_BYTES; timeoutMs the whole download's. */
  policy: FetchPolicy;
  userAgent: string;
  /** Where partial downloads wait to be resumed (INGEST_WORK_DIR). */
  workDir: string;
  /** Called once an item's hand-off ended, either way: its IngestJob may be done. */
  settled(ingestJobId: string): Promise<void>;
  log: Logger;
}

const partFile = (workDir: string, sourceId: string, guid: string): string =>
  path.join(workDir, `${sourceId}-${createHash('sha256').update(guid).digest('hex').slice(0, 32)}.part`);

/**
 * One item's enclosure into media: downloaded (resumable, bounded), then given to media the way
 * a creator's upload is (createUpload, then tus), after which media processes it as usual.
 * Media hearing of a new episode takes a moment (catalog's events): its NOT_FOUND is retried.
 */
export class EnclosureImporter {
  constructor(private readonly deps: EnclosureImporterDeps) {}

  async import(sourceId: string, guid: string, lastAttempt: boolean): Promise<void> {
    const { dataSource } = this.deps;
    const items = dataSource.getRepository(IngestItem);
    const item = await items.findOneBy({ sourceId, guid });
    if (!item || item.mediaHandedOff || !item.enclosureUrl) {
      if (item?.mediaJobId) await this.deps.settled(item.mediaJobId);
      return;
    }
    const source = await dataSource.getRepository(FeedSource).findOneByOrFail({ id: sourceId });
    const viewer: Viewer = { id: source.ownerId, role: source.ownerRole as Viewer['role'], plan: source.ownerPlan as Viewer['plan'] };
    await mkdir(this.deps.workDir, { recursive: true });
    const file = partFile(this.deps.workDir, sourceId, guid);
    try {
      const downloaded = await downloadResumable(item.enclosureUrl, file, this.deps.policy, this.deps.userAgent);
      const mimeType = mediaTypeOf(item.enclosureUrl, downloaded.contentType);
      if (!mimeType) throw new FetchFailure(`the enclosure is not audio or video media takes (${downloaded.contentType ?? 'no type'})`, false);
      if (downloaded.sizeBytes === 0) throw new FetchFailure('the enclosure is empty', false);
      const ticket = await this.deps.media.createUpload(viewer, {
        episodeId: item.episodeId, filename: fileNameOf(item.enclosureUrl, mimeType), sizeBytes: downloaded.sizeBytes, mimeType, sha256: downloaded.sha256,
      });
      await sendTus(ticket.uploadUrl, ticket.token, file, downloaded.sizeBytes, ticket.chunkSize);
      await items.update({ sourceId, guid }, { mediaHandedOff: true, mediaError: null });
      await rm(file, { force: true });
    } catch (error) {
      const transient = (error instanceof FetchFailure && error.transient) || (error instanceof SubgraphError && (error.transient || error.code === 'NOT_FOUND'));
      if (transient && !lastAttempt) throw error;
      const reason = error instanceof FetchFailure || error instanceof SubgraphError ? error.message : 'unexpected error';
      if (!(error instanceof FetchFailure || error instanceof SubgraphError)) this.deps.log.error({ err: error, sourceId, guid }, 'enclosure import failed');
      await items.update({ sourceId, guid }, { mediaError: reason.slice(0, 500) });
      await rm(file, { force: true });
    }
    if (item.mediaJobId) await this.deps.settled(item.mediaJobId);
  }
}
