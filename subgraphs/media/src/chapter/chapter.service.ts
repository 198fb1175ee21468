import { type Viewer, canManage } from '@wavegraph/auth';
import { ChaptersPublished, KnownEpisode, PUBLISHED, recordEvent } from '@wavegraph/events';
import { forbidden, type Logger, requireUuid, unauthenticated } from '@wavegraph/kit';
import type { DataSource } from 'typeorm';
import { episodeUnknown } from '../common/errors';
import type { ChaptersEmbedder } from '../processing/processing.port';
import { type ChapterFields, validChapters } from './chapter.rules';
import { type ChapterSet, replaceChapters } from './chapter.store';

/** Setting an episode's chapters; the worker embeds them in the renditions afterwards. */
export class ChapterService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly embedder: ChaptersEmbedder,
    private readonly log: Logger,
  ) {}

  /**
   * Owner, EDITOR or ADMIN: validates the whole list against the newest READY media (if any) and
   * replaces the episode's chapters in one write; nothing is stored when any chapter is refused.
   * After the commit, each asset whose renditions exist gets a job that re-muxes them with the new
   * marks (an asset whose renditions are still to come reads the chapters when it encodes them).
   */
  async set(viewer: Viewer | null, episodeId: string, chapters: readonly ChapterFields[]): Promise<ChapterSet> {
    if (!viewer) throw unauthenticated();
    const id = requireUuid('episodeId', episodeId).toLowerCase();
    const { set, assetIds } = await this.dataSource.transaction(async (tx) => {
      // shared lock: catalog's events cannot change the owner under us; replacements serialise on the chapters row
      const episode = await tx.findOne(KnownEpisode, { where: { episodeId: id }, lock: { mode: 'pessimistic_read' } });
      if (!episode) throw episodeUnknown();
      if (!canManage(viewer, episode.ownerId)) {
        // an unpublished episode does not exist for others
        if (episode.status !== PUBLISHED) throw episodeUnknown();
        throw forbidden("Only the episode's owner, an editor or an admin can set its chapters");
      }
      const [ready]: { duration_seconds: number | null }[] = await tx.query(
        "SELECT duration_seconds FROM media_assets WHERE episode_id = $1 AND status = 'READY' ORDER BY created_at DESC, id DESC LIMIT 1",
        [id],
      );
      const valid = validChapters(chapters, ready?.duration_seconds ?? null);
      const saved = await replaceChapters(tx, id, valid, viewer.id);
      // feeds (catalog) learn whether the episode has chapters without reading media's database
      await recordEvent(tx, ChaptersPublished, id, { episodeId: id, ownerId: episode.ownerId, revision: saved.revision, count: saved.chapters.length });
      const assets: { id: string }[] = await tx.query(
        "SELECT id FROM media_assets WHERE episode_id = $1 AND status IN ('READY', 'PROCESSING') AND outputs ? 'renditions'",
        [id],
      );
      return { set: saved, assetIds: assets.map((asset) => asset.id) };
    });
    for (const assetId of assetIds) {
      // the chapters are stored either way; an asset whose job could not be queued keeps its old marks until the next change
      await this.embedder.embedChapters(assetId).catch((error: unknown) => this.log.warn({ err: error, assetId }, 'chapter marks could not be queued'));
    }
    return set;
  }
}
