import { readFile } from 'node:fs/promises';
import { z } from 'zod';
import type { TranscriptSegment } from './engine.port';
import { round, spreadWords } from './segmenting';

/** The text-to-speech side's record of what it said when (outputs.scriptTimingsKey). */
const scriptTimings = z.object({
  language: z.string().min(2).max(35),
  segments: z.array(z.object({ startSeconds: z.number().nonnegative(), endSeconds: z.number().nonnegative(), text: z.string() })),
});

/** The script's sentences as transcript segments: the text is exact, so words are spread evenly with confidence 1. */
export async function readScriptTimings(file: string): Promise<{ language: string; segments: TranscriptSegment[] }> {
  const parsed = scriptTimings.safeParse(JSON.parse(await readFile(file, 'utf8')));
  if (!parsed.success) throw new Error(`script timings are not valid: ${z.prettifyError(parsed.error)}`);
  const segments = parsed.data.segments
    .filter((s) => s.text.trim())
    .map((s) => {
      const start = round(s.startSeconds);
      const end = round(Math.max(s.startSeconds, s.endSeconds));
      const text = s.text.trim().replace(/\s+/g, ' ');
      return { start, end, text, speaker: null, words: spreadWords(text, start, end) };
    });
  return { language: parsed.data.language, segments };
}
