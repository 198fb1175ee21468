import type { TranscriptWord } from './engine.port';
import { round } from './segmenting';

/** `word start end confidence`, as `pocketsphinx_continuous -time yes` prints one per line after each hypothesis. */
const WORD_LINE = /^(\S+)\s+(\d+\.\d+)\s+(\d+\.\d+)\s+(\d+(?:\.\d+)?(?:e-?\d+)?)$/;
/** Utterance marks (<s>, </s>, <sil>) and fillers ([NOISE], ++BREATH++): timed, but nothing was said. */
const NOT_A_WORD = /^(<.*>|\[.*\]|\+\+.*\+\+)$/;

/**
 * The words of one run, `offset` seconds added (the chunk's place in the episode). Alternate
 * pronunciations come back as `word(2)`; the suffix is the dictionary's, not the speaker's.
 */
export function parsePocketsphinx(stdout: string, offset = 0): TranscriptWord[] {
  const words: TranscriptWord[] = [];
  for (const line of stdout.split('\n')) {
    const match = WORD_LINE.exec(line.trim());
    if (!match || NOT_A_WORD.test(match[1])) continue;
    const text = match[1].replace(/\(\d+\)$/, '');
    if (!text) continue;
    words.push({ text, start: round(offset + Number(match[2])), end: round(offset + Number(match[3])), confidence: Math.max(0, Math.min(1, Number(match[4]))) });
  }
  return words;
}
