import { toPage, type Page, encodeTimeCursor, type TimeCursor } from '@wavegraph/kit';
import type { DataSource } from 'typeorm';
import type { DocFilter } from '../common/filters';
import { episodeRef, type Episode } from '../episode/episode.type';

/* Keyset pagination over the partial index of published episodes; filters come from the show. */
const BROWSE = `
  SELECT e.episode_id AS id, e.published_at
  FROM episode_docs e JOIN show_docs s ON s.show_id = e.show_id
  WHERE e.status = 'PUBLISHED' AND e.published_at IS NOT NULL
    AND ($1::text IS NULL OR s.category = $1) AND ($2::text IS NULL OR s.language = $2) AND ($6::text IS NULL OR s.subcategory = $6)
    AND ($3::timestamptz IS NULL OR (e.published_at, e.episode_id) < ($3::timestamptz, $4::uuid))
  ORDER BY e.published_at DESC, e.episode_id DESC
  LIMIT $5`;

/** Published episodes, newest first, optionally of one category, subcategory and language. */
export class BrowseService {
  constructor(private readonly dataSource: DataSource) {}

  async browse(filter: DocFilter, size: number, cursor: TimeCursor | null): Promise<Page<Episode>> {
    const rows: { id: string; published_at: Date }[] = await this.dataSource.query(BROWSE, [
      filter.category, filter.language, cursor?.at ?? null, cursor?.id ?? null, size + 1, filter.subcategory,
    ]);
    const page = toPage(rows, size, (row) => encodeTimeCursor(row.published_at, row.id), cursor !== null);
    return { ...page, edges: page.edges.map((edge) => ({ cursor: edge.cursor, node: episodeRef(edge.node.id) })) };
  }
}
