import { assetPrefix } from '../asset/asset.outputs';
import type { StoredChapter } from './chapter.rules';

/** Podcasting 2.0 JSON chapters (podcast-namespace chapters/jsonChapters.md, version 1.2.0). */
export interface PodcastChapters {
  version: '1.2.0';
  chapters: { startTime: number; title: string; img?: string; url?: string; endTime?: number }[];
}

/** Each chapter ends where the next starts; the last at the end of the media when it is known. */
export function podcastChapters(chapters: readonly StoredChapter[], durationSeconds: number | null): PodcastChapters {
  return {
    version: '1.2.0',
    chapters: chapters.map((chapter, i) => {
      const end = chapters[i + 1]?.startSeconds ?? durationSeconds ?? undefined;
      return {
        startTime: chapter.startSeconds,
        title: chapter.title,
        ...(chapter.imageUrl ? { img: chapter.imageUrl } : {}),
        ...(chapter.url ? { url: chapter.url } : {}),
        ...(end !== undefined ? { endTime: end } : {}),
      };
    }),
  };
}

/** ffmetadata escapes '=', ';', '#', '\' and newlines with a backslash. */
const escapeMetadata = (text: string): string => text.replace(/[=;#\\\n]/g, (c) => `\\${c}`);

/**
 * An FFMETADATA1 file with one `[CHAPTER]` per chapter in milliseconds, for `-map_chapters`:
 * each ends where the next starts, the last at the end of the media.
 */
export function ffmetadataChapters(chapters: readonly StoredChapter[], durationSeconds: number): string {
  const ms = (seconds: number) => Math.round(seconds * 1000);
  const lines = [';FFMETADATA1'];
  for (const [i, chapter] of chapters.entries()) {
    const end = Math.max(ms(chapters[i + 1]?.startSeconds ?? durationSeconds), ms(chapter.startSeconds) + 1);
    lines.push('[CHAPTER]', 'TIMEBASE=1/1000', `START=${ms(chapter.startSeconds)}`, `END=${end}`, `title=${escapeMetadata(chapter.title)}`);
  }
  return `${lines.join('\n')}\n`;
}

/**
 * The chapters JSON of an asset's episode, served by playback under the asset like its other
 * files (signed the same way) but built from the current chapters on each request, so a URL
 * handed out before an edit gives the edited chapters.
 */
export const CHAPTERS_FILE = 'chapters.json';
export const chaptersKey = (assetId: string): string => `${assetPrefix(assetId)}${CHAPTERS_FILE}`;
