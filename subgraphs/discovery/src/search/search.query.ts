import { badInput, decodeCursor, encodeCursor } from '@wavegraph/kit';

export const MAX_QUERY_LENGTH = 200;
/** Ranked results are paged by offset; deeper pages than this are not worth ranking. */
export const MAX_OFFSET = 1000;

/** The user's text, trimmed and checked: 1..200 characters. */
export function validQuery(query: string): string {
  const trimmed = query.trim();
  if (trimmed.length < 1) throw badInput('query must not be empty', 'query');
  if (trimmed.length > MAX_QUERY_LENGTH) throw badInput(`query must be at most ${MAX_QUERY_LENGTH} characters`, 'query');
  return trimmed;
}

/**
 * The words of free text as tsquery terms: letters and digits only, so nothing typed can be
 * read as tsquery syntax; at most 16, each quoted, the last one a prefix. Null without a word.
 */
export function queryTerms(text: string): string[] | null {
  const words = text.toLowerCase().match(/[\p{L}\p{N}]+/gu);
  if (!words) return null;
  const terms = words.slice(0, 16).map((word) => `'${word}'`);
  terms[terms.length - 1] += ':*';
  return terms;
}

/**
 * A `to_tsquery` expression from free text: every word must match, the last one as a prefix
 * (people search while typing). Null when the text has no word at all.
 */
export function toPrefixTsQuery(text: string): string | null {
  return queryTerms(text)?.join(' & ') ?? null;
}

/**
 * The same words, any of them matching: what says which parts of a transcript were spoken
 * about the query (a segment is a few seconds of speech; the words of a query may be spread
 * over several).
 */
export function toAnyWordTsQuery(text: string): string | null {
  return queryTerms(text)?.join(' | ') ?? null;
}

export const encodeOffsetCursor = (offset: number): string => encodeCursor([String(offset)]);

/** `after` of a ranked list: the number of results already seen. */
export function readOffsetCursor(after: string | null | undefined): number {
  if (after === null || after === undefined) return 0;
  const [raw] = decodeCursor(after, 1);
  const offset = Number(raw);
  if (!/^\d+$/.test(raw) || offset > MAX_OFFSET) throw badInput('after is not a valid cursor', 'after');
  return offset;
}
