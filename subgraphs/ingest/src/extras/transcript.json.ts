/**
 * Podcasting 2.0 transcript JSON (`{ version, segments: [{ speaker?, startTime, endTime, body }] }`)
 * as WebVTT, the format media takes. Written here because it is a few lines over a documented
 * format and no maintained package converts it. Such files are often one word per segment:
 * neighbouring segments of one speaker are joined into cues of a readable length, so an
 * episode's cue count stays well inside what media keeps.
 */
export class TranscriptJsonError extends Error {}

interface Segment {
  start: number;
  end: number;
  text: string;
  speaker: string | null;
}

const MAX_CUE_SECONDS = 8;
const MAX_CUE_CHARS = 120;
/** A pause longer than this starts a new cue. */
const MAX_GAP_SECONDS = 1;

const stamp = (seconds: number): string => {
  const ms = Math.round(seconds * 1000);
  const pad = (n: number, width = 2) => String(n).padStart(width, '0');
  return `${pad(Math.floor(ms / 3_600_000))}:${pad(Math.floor(ms / 60_000) % 60)}:${pad(Math.floor(ms / 1000) % 60)}.${pad(ms % 1000, 3)}`;
};

/** Cue text may not hold a blank line or `-->`; `&`, `<` and `>` are escaped. */
const cueText = (text: string): string => text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/\s+/g, ' ').trim();

function segmentsOf(json: unknown): Segment[] {
  const segments = (json as { segments?: unknown } | null)?.segments;
  if (!Array.isArray(segments)) throw new TranscriptJsonError('not a Podcasting 2.0 transcript: no segments list');
  const valid: Segment[] = [];
  for (const raw of segments as Array<Record<string, unknown>>) {
    if (!raw || typeof raw !== 'object') continue;
    const start = Number(raw.startTime);
    const end = Number(raw.endTime);
    const text = typeof raw.body === 'string' ? raw.body.replace(/\s+/g, ' ').trim() : '';
    // a segment without text or with impossible times says nothing a player can show
    if (!text || !Number.isFinite(start) || !Number.isFinite(end) || start < 0 || end <= start) continue;
    const speaker = typeof raw.speaker === 'string' && raw.speaker.trim() ? raw.speaker.trim().slice(0, 100) : null;
    valid.push({ start, end, text, speaker });
  }
  return valid.sort((a, b) => a.start - b.start);
}

function joined(segments: Segment[]): Segment[] {
  const cues: Segment[] = [];
  for (const segment of segments) {
    const last = cues.at(-1);
    const fits = last && last.speaker === segment.speaker && segment.start - last.end <= MAX_GAP_SECONDS
      && segment.end - last.start <= MAX_CUE_SECONDS && last.text.length + 1 + segment.text.length <= MAX_CUE_CHARS;
    if (last && fits) Object.assign(last, { end: Math.max(last.end, segment.end), text: `${last.text} ${segment.text}` });
    else cues.push({ ...segment });
  }
  return cues;
}

export function transcriptJsonToVtt(content: string): string {
  let json: unknown;
  try {
    json = JSON.parse(content.replace(/^\uFEFF/, ''));
  } catch (error) {
    throw new TranscriptJsonError(`malformed JSON: ${(error as Error).message}`);
  }
  const cues = joined(segmentsOf(json));
  if (!cues.length) throw new TranscriptJsonError('the transcript has no segment with text and times');
  const body = cues.map((cue) => `${stamp(cue.start)} --> ${stamp(cue.end)}\n${cue.speaker ? `<v ${cueText(cue.speaker)}>` : ''}${cueText(cue.text)}`);
  return `WEBVTT\n\n${body.join('\n\n')}\n`;
}
