import { appError } from '@wavegraph/kit';
import type { GraphQLError } from 'graphql';

/** One chapter as stored (episode_chapters.chapters) and as the worker embeds it. */
export interface StoredChapter {
  startSeconds: number;
  title: string;
  url: string | null;
  imageUrl: string | null;
}

/** What a creator sends; optional fields may be missing or null. */
export interface ChapterFields {
  startSeconds: number;
  title: string;
  url?: string | null;
  imageUrl?: string | null;
}

/** Enough for a long episode chaptered finely; a player's chapter list stays usable. */
export const MAX_CHAPTERS = 200;
export const MAX_TITLE_LENGTH = 200;
export const MAX_URL_LENGTH = 2000;

/** A refused chapter names itself: its position (1-based) and title, and the input field at fault. */
function refused(index: number, field: keyof ChapterFields | null, message: string): GraphQLError {
  return appError('BAD_USER_INPUT', message, { field: field ? `chapters[${index}].${field}` : 'chapters', chapter: index + 1 });
}

const label = (index: number, title: string): string => `Chapter ${index + 1}${title ? ` ("${title}")` : ''}`;

function checkedUrl(index: number, title: string, field: 'url' | 'imageUrl', value: string | null | undefined): string | null {
  if (value === null || value === undefined || value.trim() === '') return null;
  const text = value.trim();
  const what = field === 'url' ? 'link' : 'image URL';
  if (text.length > MAX_URL_LENGTH) throw refused(index, field, `${label(index, title)}: the ${what} is longer than ${MAX_URL_LENGTH} characters`);
  let parsed: URL;
  try {
    parsed = new URL(text);
  } catch {
    throw refused(index, field, `${label(index, title)}: the ${what} is not a valid URL`);
  }
  if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') throw refused(index, field, `${label(index, title)}: the ${what} must be http or https`);
  return parsed.toString();
}

/**
 * The chapters as they will be stored, or a BAD_USER_INPUT naming the first chapter at fault.
 * Starts are in seconds, strictly increasing (so sorted and unique); the first may be later than
 * 0. When the episode's media is READY (`durationSeconds` known), every start lies before its end.
 */
export function validChapters(chapters: readonly ChapterFields[], durationSeconds: number | null): StoredChapter[] {
  if (chapters.length > MAX_CHAPTERS) throw refused(0, null, `At most ${MAX_CHAPTERS} chapters (got ${chapters.length})`);
  const valid: StoredChapter[] = [];
  for (const [index, chapter] of chapters.entries()) {
    const title = chapter.title.trim();
    if (title.length === 0) throw refused(index, 'title', `Chapter ${index + 1}: the title is empty`);
    if (title.length > MAX_TITLE_LENGTH) throw refused(index, 'title', `${label(index, title.slice(0, 40))}: the title is longer than ${MAX_TITLE_LENGTH} characters`);
    const start = chapter.startSeconds;
    if (!Number.isFinite(start) || start < 0) throw refused(index, 'startSeconds', `${label(index, title)}: the start must be 0 seconds or later`);
    const previous = valid[index - 1];
    if (previous && start <= previous.startSeconds) {
      throw refused(index, 'startSeconds', `${label(index, title)} starts at ${start} s, not after chapter ${index} (at ${previous.startSeconds} s): chapters must be in order, each starting later than the one before`);
    }
    if (durationSeconds !== null && start >= durationSeconds) {
      throw refused(index, 'startSeconds', `${label(index, title)} starts at ${start} s, at or beyond the end of the media (${durationSeconds} s)`);
    }
    valid.push({
      startSeconds: Math.round(start * 1000) / 1000,
      title,
      url: checkedUrl(index, title, 'url', chapter.url),
      imageUrl: checkedUrl(index, title, 'imageUrl', chapter.imageUrl),
    });
  }
  return valid;
}
