import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { ffmetadataChapters } from './chapter.formats';
import type { StoredChapter } from './chapter.rules';

/** The ffmpeg arguments that put `marks` (an ffmetadata file) as chapters, or none at all when null. */
export const chapterMapping = (marks: string | null, input: number): string[] => (marks ? ['-map_chapters', String(input)] : ['-map_chapters', '-1']);

/**
 * Writes the ffmetadata of the chapters that fall inside the media (a mark beyond its end means
 * nothing to a player), or returns null when none do. MP4's chapter track has no room for a gap
 * before its first chapter, so in the .m4a a first chapter starting after 0 is read from 0; the
 * JSON chapters and Episode.chapters keep the exact start.
 */
export async function writeChapterMarks(dir: string, chapters: readonly StoredChapter[], durationSeconds: number): Promise<string | null> {
  const inside = chapters.filter((chapter) => chapter.startSeconds < durationSeconds);
  if (!inside.length) return null;
  const file = path.join(dir, 'chapters.ffmetadata');
  await writeFile(file, ffmetadataChapters(inside, durationSeconds));
  return file;
}

