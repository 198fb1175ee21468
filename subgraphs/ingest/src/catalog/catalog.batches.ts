import type { Viewer } from '@wavegraph/auth';
import type { FeedItem } from '../feed/feed.types';
import { CatalogError, IMPORT_CHUNK, type CatalogClient, type EpisodeInput, type ImportedRow } from './catalog.client';

export interface BatchOutcome {
  imported: Array<{ item: FeedItem; row: ImportedRow }>;
  /** Items catalog refused, with its reason; the rest of their chunk is imported without them. */
  refused: Array<{ item: FeedItem; reason: string }>;
}

/**
 * New items into catalog IMPORT_CHUNK at a time (importEpisodes: one transaction per call, safe
 * to repeat since it is idempotent by guid). A row catalog refuses is named by its index: it is
 * set aside and the chunk sent again without it. A refusal naming no row (the show is not the
 * owner's any more) refuses the whole chunk. Transient failures are thrown for the job to retry.
 */
export async function importInChunks(
  catalog: CatalogClient,
  viewer: Viewer,
  showId: string,
  items: readonly FeedItem[],
  inputOf: (item: FeedItem) => EpisodeInput,
  /** After each chunk: what it imported, and how many items were sent so far. */
  afterChunk: (imported: Array<{ item: FeedItem; row: ImportedRow }>, done: number) => Promise<void>,
): Promise<BatchOutcome> {
  const outcome: BatchOutcome = { imported: [], refused: [] };
  for (let at = 0; at < items.length; at += IMPORT_CHUNK) {
    let chunk = items.slice(at, at + IMPORT_CHUNK);
    const imported: BatchOutcome['imported'] = [];
    while (chunk.length) {
      try {
        const rows = await catalog.importEpisodes(viewer, showId, chunk.map((item) => ({ ...inputOf(item), guid: item.guid, publishedAt: item.pubDate })));
        rows.forEach((row, index) => imported.push({ item: chunk[index], row }));
        break;
      } catch (error) {
        if (!(error instanceof CatalogError) || error.transient) throw error;
        const row = error.row;
        if (row === undefined || !chunk[row]) {
          outcome.refused.push(...chunk.map((item) => ({ item, reason: error.message })));
          break;
        }
        outcome.refused.push({ item: chunk[row], reason: error.message.replace(/^episodes\[\d+\]: /, '') });
        chunk = chunk.filter((_, index) => index !== row);
      }
    }
    outcome.imported.push(...imported);
    await afterChunk(imported, Math.min(at + IMPORT_CHUNK, items.length));
  }
  return outcome;
}
