import type { TranscriptSegment, TranscriptWord } from './engine.port';

/** A pause this long between words ends a segment (a breath between sentences is about this). */
export const SEGMENT_PAUSE_SECONDS = 0.6;
/** No segment is longer than this: a caption must fit on screen, a search hit must point near the words. */
export const SEGMENT_MAX_SECONDS = 12;

/** Groups words into sentence-ish segments: a new one after a pause, or once one grew too long. */
export function segmentWords(words: readonly TranscriptWord[], pause = SEGMENT_PAUSE_SECONDS, maxSeconds = SEGMENT_MAX_SECONDS): TranscriptSegment[] {
  const segments: TranscriptSegment[] = [];
  let current: TranscriptWord[] = [];
  const flush = () => {
    if (!current.length) return;
    segments.push({ start: current[0].start, end: current[current.length - 1].end, text: current.map((w) => w.text).join(' '), words: current });
    current = [];
  };
  for (const word of words) {
    const last = current[current.length - 1];
    if (last && (word.start - last.end > pause || word.end - current[0].start > maxSeconds)) flush();
    current.push(word);
  }
  flush();
  return segments;
}

/** Words for text that has no timings of its own (a script sentence, an uploaded cue, an edit): spread over the segment by length. */
export function spreadWords(text: string, start: number, end: number, confidence = 1): TranscriptWord[] {
  const tokens = text.split(/\s+/).filter(Boolean);
  const total = tokens.reduce((sum, token) => sum + token.length, 0);
  const span = Math.max(0, end - start);
  let at = start;
  return tokens.map((token) => {
    const length = total ? (span * token.length) / total : 0;
    const word = { text: token, start: round(at), end: round(at + length), confidence };
    at += length;
    return word;
  });
}

/** Milliseconds are what VTT and SRT carry; more digits only make rows larger. */
export const round = (seconds: number): number => Math.round(seconds * 1000) / 1000;
