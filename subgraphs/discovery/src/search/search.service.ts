import { toPage, type Page } from '@wavegraph/kit';
import type { DataSource } from 'typeorm';
import type { DocFilter } from '../common/filters';
import { episodeRef } from '../episode/episode.type';
import { showRef } from '../show/show.type';
import { HEADLINE_OPTIONS, toHighlightHtml } from './search.highlight';
import { encodeOffsetCursor, queryTerms, toAnyWordTsQuery, toPrefixTsQuery } from './search.query';
import { MAX_MATCHES_PER_HIT, SearchKind, type SearchHit } from './search.types';

export interface SearchRequest extends DocFilter {
  text: string;
  kind: SearchKind | null;
  size: number;
  offset: number;
}

interface MatchRow {
  startSeconds: number;
  endSeconds: number;
  headline: string;
}

interface HitRow {
  kind: SearchKind;
  id: string;
  score: number;
  headline: string | null;
  /** Null for shows. */
  matches: MatchRow[] | null;
}

/**
 * What a transcript adds to an episode's score at most: below one description match of a word
 * (0.4) and far below a title match (1), however long the transcript and however often the
 * word is spoken in it.
 */
export const TRANSCRIPT_SCORE_WEIGHT = 0.3;

/*
 * One statement per search. A document matches when the full-text query matches (every word,
 * the last as a prefix) or when the text is a near word of the title (pg_trgm `<%`, which is
 * what finds "Python" for "pythn"). An episode's text is its title (weight A), description (B)
 * and transcript (C), so the words may be spread over them: each word is then looked up on
 * its own (concatenating the vectors per row would copy every transcript it reads). Rank = ts_rank_cd of title and
 * description plus title word similarity, so a title match beats a description match, plus at
 * most TRANSCRIPT_SCORE_WEIGHT for the words spoken. Candidate episodes come from the indexes:
 * an episode whose title and description do not hold every word has one of them in its
 * transcript (`spoken`). Only those transcripts are read (a large value each), so a search
 * whose words are in titles or descriptions costs what it did before transcripts. Episodes count only when PUBLISHED and their show is known; their category and
 * language come from the show at query time, so a show update applies to its episodes at once.
 * Headlines and transcript matches, the costly part, are computed for the page only: the best
 * matching segments of each episode of the page (any of the words), then put in time order.
 */
const SEARCH = `
  WITH q AS (
    SELECT to_tsquery('simple', $1) AS tsq, to_tsquery('simple', $9) AS anyq, $2::text AS raw,
      ARRAY(SELECT to_tsquery('simple', term) FROM unnest($12::text[]) AS term) AS terms
  ),
  candidates AS (
    SELECT episode_id, bool_or(spoken) AS spoken FROM (
      SELECT e.episode_id, false AS spoken FROM q, episode_docs e
      WHERE e.status = 'PUBLISHED' AND (e.search @@ q.tsq OR q.raw <% e.title)
      UNION ALL
      -- a PREMIUM episode's transcript is for its listeners: search neither matches nor quotes it
      SELECT t.episode_id, true FROM q, episode_transcripts t JOIN episode_docs pe ON pe.episode_id = t.episode_id AND pe.access = 'PUBLIC'
      WHERE t.segment_count > 0 AND t.search @@ q.anyq
    ) found GROUP BY episode_id
  ),
  hits AS (
    SELECT 'EPISODE' AS kind, e.episode_id AS id, ts_rank_cd(e.search, q.tsq) + word_similarity(q.raw, e.title) AS score, false AS spoken
    FROM q, candidates c
      JOIN episode_docs e ON e.episode_id = c.episode_id
      JOIN show_docs s ON s.show_id = e.show_id
    WHERE NOT c.spoken AND e.status = 'PUBLISHED'
      AND ($3::text IS NULL OR s.category = $3) AND ($4::text IS NULL OR s.language = $4) AND ($13::text IS NULL OR s.subcategory = $13)
      AND $5::text IS DISTINCT FROM 'SHOW'
    UNION ALL
    SELECT 'EPISODE', e.episode_id,
      ts_rank_cd(e.search, q.tsq) + word_similarity(q.raw, e.title) + $11::float8 * ts_rank_cd(t.search, q.anyq, 32), true
    FROM q, candidates c
      JOIN episode_docs e ON e.episode_id = c.episode_id
      JOIN show_docs s ON s.show_id = e.show_id
      JOIN episode_transcripts t ON t.episode_id = c.episode_id
    WHERE c.spoken AND e.status = 'PUBLISHED'
      AND (e.search @@ q.tsq OR q.raw <% e.title OR t.search @@ q.tsq
        OR NOT EXISTS (SELECT 1 FROM unnest(q.terms) AS w WHERE NOT (e.search @@ w OR t.search @@ w)))
      AND ($3::text IS NULL OR s.category = $3) AND ($4::text IS NULL OR s.language = $4) AND ($13::text IS NULL OR s.subcategory = $13)
      AND $5::text IS DISTINCT FROM 'SHOW'
    UNION ALL
    SELECT 'SHOW', s.show_id, ts_rank_cd(s.search, q.tsq) + word_similarity(q.raw, s.title), false
    FROM q, show_docs s
    WHERE (s.search @@ q.tsq OR q.raw <% s.title)
      AND ($3::text IS NULL OR s.category = $3) AND ($4::text IS NULL OR s.language = $4) AND ($13::text IS NULL OR s.subcategory = $13)
      AND $5::text IS DISTINCT FROM 'EPISODE'
  ),
  page AS (SELECT kind, id, score, spoken FROM hits ORDER BY score DESC, kind, id LIMIT $6 OFFSET $7),
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
    END AS headline,
    CASE WHEN d.kind = 'EPISODE' THEN COALESCE(m.matches, '[]'::json) END AS matches
  FROM docs d CROSS JOIN q
  LEFT JOIN LATERAL (
    SELECT json_agg(json_build_object(
      'startSeconds', b.spoken_at, 'endSeconds', b.end_seconds, 'headline', ts_headline('simple', b.text, q.anyq, $8)
    ) ORDER BY b.spoken_at, b.seq) AS matches
    FROM (
      -- where the first matching word starts, when the engine timed the words; else the segment's start
      SELECT g.seq, g.end_seconds, g.text, COALESCE((
          SELECT min((w->>'startSeconds')::float8) FROM jsonb_array_elements(g.words) w WHERE to_tsvector('simple', w->>'text') @@ q.anyq
        ), g.start_seconds) AS spoken_at
      FROM transcript_segments g
      WHERE d.spoken AND g.episode_id = d.id AND g.search @@ q.anyq
      ORDER BY ts_rank_cd(g.search, q.anyq) DESC, g.seq
      LIMIT $10
    ) b
  ) m ON true
  ORDER BY d.score DESC, d.kind, d.id`;

/** Full-text search over published episodes (their transcripts included) and shows. */
export class SearchService {
  constructor(private readonly dataSource: DataSource) {}

  async search(request: SearchRequest): Promise<Page<SearchHit>> {
    const tsquery = toPrefixTsQuery(request.text);
    const anyWord = toAnyWordTsQuery(request.text);
    const terms = queryTerms(request.text);
    // nothing but punctuation: nothing can match
    if (tsquery === null || anyWord === null || terms === null) return toPage([], request.size, () => '', request.offset > 0);
    const rows: HitRow[] = await this.dataSource.query(SEARCH, [
      tsquery, request.text, request.category, request.language, request.kind,
      request.size + 1, request.offset, HEADLINE_OPTIONS, anyWord, MAX_MATCHES_PER_HIT, TRANSCRIPT_SCORE_WEIGHT, terms, request.subcategory,
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
    matches: row.matches?.map((m) => ({ startSeconds: m.startSeconds, endSeconds: m.endSeconds, text: toHighlightHtml(m.headline) ?? '' })) ?? null,
    episode: row.kind === SearchKind.EPISODE ? episodeRef(row.id) : null,
    show: row.kind === SearchKind.SHOW ? showRef(row.id) : null,
  };
}
