import { byKeys, groupByKeys } from '@wavegraph/kit';
import { loadEpisodeMedia } from '../asset/asset.loader';
import { MediaStatus } from '../asset/asset.enums';
import type { MediaContext } from '../services';
import { transcriptsOf, type SegmentRow } from './transcript.store';
import { transcriptOfRow, type Transcript } from './transcript.types';

/** Episode.transcript for every episode in the response: the transcript of the media Episode.media shows the viewer, one query. */
export async function loadEpisodeTranscript(ctx: MediaContext, episodeId: string): Promise<Transcript | null> {
  const asset = await loadEpisodeMedia(ctx, episodeId);
  if (!asset) return null;
  const row = await ctx.loaders
    .get<string, Awaited<ReturnType<typeof transcriptsOf>>[number] | null>('transcript:byAsset', async (ids) =>
      byKeys(ids, await transcriptsOf(ctx.services.dataSource, ids), (r) => r.asset_id),
    )
    .load(asset.id);
  return row ? transcriptOfRow(row, asset.status === MediaStatus.READY) : null;
}

interface PageKey {
  assetId: string;
  after: number;
  limit: number;
}

/** A page of segments of every transcript in the response, one query (a LATERAL page per transcript). */
export function loadSegmentPage(ctx: MediaContext, key: PageKey): Promise<SegmentRow[]> {
  return ctx.loaders
    .get<string, SegmentRow[]>('transcript:segments', async (keys) => {
      const pages = keys.map((k) => JSON.parse(k) as PageKey);
      const rows: (SegmentRow & { page: string })[] = await ctx.services.dataSource.query(
        `SELECT p.page::text AS page, s.position, s.start_seconds, s.end_seconds, s.text, s.speaker, s.words
           FROM unnest($1::uuid[], $2::int[], $3::int[]) WITH ORDINALITY AS p(asset_id, after, lim, page)
           CROSS JOIN LATERAL (
             SELECT * FROM media_transcript_segments t WHERE t.asset_id = p.asset_id AND t.position > p.after ORDER BY t.position LIMIT p.lim
           ) s
          ORDER BY p.page, s.position`,
        [pages.map((p) => p.assetId), pages.map((p) => p.after), pages.map((p) => p.limit)],
      );
      return groupByKeys(keys.map((_, i) => String(i + 1)), rows, (row) => row.page);
    })
    .load(JSON.stringify(key));
}
