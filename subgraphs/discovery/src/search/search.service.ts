import { toPage, type Page } from '@wavegraph/kit';
import type { DataSource } from 'typeorm';
import type { DocFilter } from '../common/filters';
import { episodeRef } from '../episode/episode.type';
import { showRef } from '../show/show.type';
import { HEADLINE_OPTIONS, toHighlightHtml } from './search.highlight';
import { encodeOffsetCursor, toPrefixTsQuery } from './search.query';
import { SearchKind, type SearchHit } from './search.types';

export interface SearchRequest extends DocFilter {
  text: string;
  kind: SearchKind | null;
  size: number;
  offset: number;
}

interface HitRow {
  kind: SearchKind;
  id: string;
  score: number;
  headline: string | null;
}

/*
 * One statement per search. A document matches when the full-text query matches (every word,
 * the last as a prefix) or when the text is a near word of the title (pg_trgm `<%`, which is
 * what finds "Python" for "pythn"). Rank = ts_rank_cd (title weight A, description B) plus
 * title word similarity, so a title match beats a description match. Episodes count only
 * when PUBLISHED and their show is known; their category and language come from the show at
 * query time, so a show update applies to its episodes at once. Headlines, the costly part,
 * are computed for the page only.
 */
const SEARCH = `
  WITH q AS (SELECT to_tsquery('simple', $1) AS tsq, $2::text AS raw),
  hits AS (
    SELECT 'EPISODE' AS kind, e.episode_id AS id, ts_rank_cd(e.search, q.tsq) + word_similarity(q.raw, e.title) AS score
    FROM q, episode_docs e JOIN show_docs s ON s.show_id = e.show_id
    WHERE e.status = 'PUBLISHED' AND (e.search @@ q.tsq OR q.raw <% e.title)
      AND ($3::text IS NULL OR s.category = $3) AND ($4::text IS NULL OR s.language = $4)
      AND $5::text IS DISTINCT FROM 'SHOW'
    UNION ALL
    SELECT 'SHOW', s.show_id, ts_rank_cd(s.search, q.tsq) + word_similarity(q.raw, s.title)
    FROM q, show_docs s
    WHERE (s.search @@ q.tsq OR q.raw <% s.title)
      AND ($3::text IS NULL OR s.category = $3) AND ($4::text IS NULL OR s.language = $4)
      AND $5::text IS DISTINCT FROM 'EPISODE'
  ),
  page AS (SELECT * FROM hits ORDER BY score DESC, kind, id LIMIT $6 OFFSET $7),
  docs AS (
    SELECT p.*, COALESCE(e.title, s.title) AS title, COALESCE(e.description, s.description) AS description
    FROM page p
    LEFT JOIN episode_docs e ON p.kind = 'EPISODE' AND e.episode_id = p.id
    LEFT JOIN show_docs s ON p.kind = 'SHOW' AND s.show_id = p.id
  )
  SELECT d.kind, d.id, d.score::float8 AS score,
    CASE
      WHEN to_tsvector('simple', d.description) @@ q.tsq THEN ts_headline('simple', d.description, q.tsq, $8)
      WHEN to_tsvector('simple', d.title) @@ q.tsq THEN ts_headline('simple', d.title, q.tsq, $8)
    END AS headline
  FROM docs d, q
  ORDER BY d.score DESC, d.kind, d.id`;

/** Full-text search over published episodes and shows. */
export class SearchService {
  constructor(private readonly dataSource: DataSource) {}

  async search(request: SearchRequest): Promise<Page<SearchHit>> {
    const tsquery = toPrefixTsQuery(request.text);
    // nothing but punctuation: nothing can match
    if (tsquery === null) return toPage([], request.size, () => '', request.offset > 0);
    const rows: HitRow[] = await this.dataSource.query(SEARCH, [
      tsquery, request.text, request.category, request.language, request.kind,
      request.size + 1, request.offset, HEADLINE_OPTIONS,
    ]);
    const hits = rows.map((row, index) => ({ hit: toHit(row), after: request.offset + index + 1 }));
    const page = toPage(hits, request.size, (h) => encodeOffsetCursor(h.after), request.offset > 0);
    return { ...page, edges: page.edges.map((edge) => ({ cursor: edge.cursor, node: edge.node.hit })) };
  }
}

function toHit(row: HitRow): SearchHit {
  return {
    kind: row.kind,
    score: Number(row.score),
    highlight: toHighlightHtml(row.headline),
    episode: row.kind === SearchKind.EPISODE ? episodeRef(row.id) : null,
    show: row.kind === SearchKind.SHOW ? showRef(row.id) : null,
  };
}
