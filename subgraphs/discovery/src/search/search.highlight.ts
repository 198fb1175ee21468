/*
 * ts_headline marks matches with control characters that cannot occur in titles, then the
 * text is HTML-escaped and the marks become <mark> tags: a client may render the highlight as
 * HTML without a creator's description injecting markup.
 */
export const MARK_START = '\u0002';
export const MARK_END = '\u0003';
export const HEADLINE_OPTIONS = `StartSel=${MARK_START}, StopSel=${MARK_END}, MaxWords=35, MinWords=15`;

const ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

export function toHighlightHtml(headline: string | null): string | null {
  if (headline === null) return null;
  return headline
    .replace(/[&<>"']/g, (c) => ESCAPES[c])
    .split(MARK_START)
    .join('<mark>')
    .split(MARK_END)
    .join('</mark>');
}
