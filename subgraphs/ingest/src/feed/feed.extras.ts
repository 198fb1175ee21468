import type { Phase1Chapter, Phase1Transcript } from 'podcast-partytime/dist/parser/phase/phase-1';
import type { FeedTranscript, TranscriptFileType } from './feed.types';

/** What media takes as it is first; Podcasting 2.0 JSON is converted to WebVTT; text/plain and text/html have no times, so none. */
const PREFERENCE: Record<string, TranscriptFileType> = { 'text/vtt': 'VTT', 'application/srt': 'SRT', 'application/json': 'JSON' };
const RANK: TranscriptFileType[] = ['VTT', 'SRT', 'JSON'];

/** An http(s) URL of a file beside the feed (fetched later with the SSRF-safe fetch). */
export function fileUrl(raw: string | undefined | null): string | null {
  if (!raw) return null;
  try {
    const url = new URL(raw.trim());
    return (url.protocol === 'https:' || url.protocol === 'http:') && url.toString().length <= 2048 ? url.toString() : null;
  } catch {
    return null;
  }
}

/** The item's podcast:transcript media can use: VTT, else SRT, else JSON. */
export function transcriptOf(transcripts: readonly Phase1Transcript[] | undefined): FeedTranscript | null {
  const usable = (transcripts ?? [])
    .map((t) => ({ type: PREFERENCE[t.type], url: fileUrl(t.url), language: t.language?.trim() || null }))
    .filter((t): t is FeedTranscript => t.type !== undefined && t.url !== null)
    .sort((a, b) => RANK.indexOf(a.type) - RANK.indexOf(b.type));
  return usable[0] ?? null;
}

export const chaptersUrlOf = (chapters: Phase1Chapter | undefined): string | null => fileUrl(chapters?.url);
