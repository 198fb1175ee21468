/**
 * JSON chapters 1.2 (`{ version, chapters: [{ startTime, title, url?, img?, toc? }] }`) reduced to
 * what media's setEpisodeChapters takes (ChapterInput): at most 200 chapters, titles of 1 to 200
 * characters, links and images http(s) of at most 2000 characters, starts strictly increasing.
 * A feed's file is fixed up rather than refused: what cannot be a chapter is dropped.
 */
import type { ChapterInput } from '../media/media.client';

export class ChaptersJsonError extends Error {}

/** Media's ChapterInput limits (its schema documents them). */
export const MAX_CHAPTERS = 200;
export const MAX_CHAPTER_TITLE = 200;
const MAX_URL = 2000;

function linkOf(raw: unknown): string | null {
  if (typeof raw !== 'string' || !raw.trim()) return null;
  try {
    const url = new URL(raw.trim());
    return (url.protocol === 'http:' || url.protocol === 'https:') && url.toString().length <= MAX_URL ? url.toString() : null;
  } catch {
    return null;
  }
}

/** At most MAX_CHAPTER_TITLE UTF-16 units (as media counts), never half a surrogate pair. */
function clipped(title: string): string {
  if (title.length <= MAX_CHAPTER_TITLE) return title;
  const cut = title.slice(0, MAX_CHAPTER_TITLE);
  return (/[\uD800-\uDBFF]$/.test(cut) ? cut.slice(0, -1) : cut).trim();
}

export function chaptersFromJson(content: string): ChapterInput[] {
  let json: unknown;
  try {
    json = JSON.parse(content.replace(/^\uFEFF/, ''));
  } catch (error) {
    throw new ChaptersJsonError(`malformed JSON: ${(error as Error).message}`);
  }
  const list = (json as { chapters?: unknown } | null)?.chapters;
  if (!Array.isArray(list)) throw new ChaptersJsonError('not a JSON chapters file: no chapters list');
  return sanitizeChapters(list as unknown[]);
}

export function sanitizeChapters(list: readonly unknown[]): ChapterInput[] {
  const valid: ChapterInput[] = [];
  for (const raw of list) {
    if (!raw || typeof raw !== 'object') continue;
    const entry = raw as Record<string, unknown>;
    // toc: false marks a silent chapter (artwork changes mid-chapter): not one a listener jumps to
    if (entry.toc === false) continue;
    const start = typeof entry.startTime === 'number' ? entry.startTime : Number.NaN;
    const title = typeof entry.title === 'string' ? entry.title.replace(/\s+/g, ' ').trim() : '';
    if (!Number.isFinite(start) || start < 0 || !title) continue;
    valid.push({ startSeconds: Math.round(start * 1000) / 1000, title: clipped(title), url: linkOf(entry.url), imageUrl: linkOf(entry.img) });
  }
  // stable: of two chapters starting together the first listed stays
  valid.sort((a, b) => a.startSeconds - b.startSeconds);
  return valid.filter((chapter, i) => i === 0 || chapter.startSeconds > valid[i - 1].startSeconds).slice(0, MAX_CHAPTERS);
}
