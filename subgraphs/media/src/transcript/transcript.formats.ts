import { WebVTTParser, type Tree, type TreeNode } from 'webvtt-parser';
import type { TranscriptSegment } from './engine.port';
import { round, spreadWords } from './segmenting';

/** `HH:MM:SS.mmm` (VTT) or `HH:MM:SS,mmm` (SRT). */
function timestamp(seconds: number, separator: '.' | ','): string {
  const ms = Math.round(seconds * 1000);
  const pad = (n: number, width = 2) => String(n).padStart(width, '0');
  return `${pad(Math.floor(ms / 3_600_000))}:${pad(Math.floor(ms / 60_000) % 60)}:${pad(Math.floor(ms / 1000) % 60)}${separator}${pad(ms % 1000, 3)}`;
}

/** Cue text may not contain a blank line or `-->`; angle brackets and ampersands are escaped. */
const cueText = (text: string): string => text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/-->/g, '--&gt;').replace(/\n\s*\n/g, '\n');

export function toVtt(segments: readonly TranscriptSegment[]): string {
  const cues = segments.map((s) => `${timestamp(s.start, '.')} --> ${timestamp(s.end, '.')}\n${s.speaker ? `<v ${cueText(s.speaker)}>` : ''}${cueText(s.text)}`);
  return `WEBVTT\n\n${cues.map((cue) => `${cue}\n`).join('\n')}`;
}

export function toSrt(segments: readonly TranscriptSegment[]): string {
  // SRT has no markup of its own; a blank line would end the cue early
  return segments.map((s, i) => `${i + 1}\n${timestamp(s.start, ',')} --> ${timestamp(s.end, ',')}\n${s.speaker ? `${s.speaker}: ` : ''}${s.text.replace(/\n\s*\n/g, '\n')}\n`).join('\n');
}

/** Podcasting 2.0 JSON transcript (podcast namespace, transcripts.md). */
export function toPodcastJson(segments: readonly TranscriptSegment[]): string {
  return JSON.stringify({
    version: '1.0.0',
    segments: segments.map((s) => ({ ...(s.speaker ? { speaker: s.speaker } : {}), startTime: s.start, endTime: s.end, body: s.text })),
  });
}

/** A file refused, with the first line at fault (1-based, as an editor numbers them). */
export class TranscriptFileError extends Error {
  constructor(
    message: string,
    readonly line: number,
  ) {
    super(`line ${line}: ${message}`);
  }
}

export type TranscriptFormat = 'VTT' | 'SRT';

/**
 * The character references cue text may use. webvtt-parser's own table names them without the
 * `;` and then keeps the `;` in the text (`&amp;` reads as `&;`); named with it, they read right.
 */
const CUE_ENTITIES = { '&amp;': '&', '&lt;': '<', '&gt;': '>', '&lrm;': '\u200e', '&rlm;': '\u200f', '&nbsp;': '\u00a0' } as const;

/**
 * Reads an uploaded WebVTT or SRT file with the W3C validator's parser (webvtt-parser): any
 * error it reports refuses the file. SRT differs from WebVTT only in the header, the cue
 * numbers and the decimal comma, so it is read as WebVTT once its timing lines use a point;
 * line numbers still count in the uploaded file.
 */
export function parseTranscriptFile(text: string, format: TranscriptFormat): TranscriptSegment[] {
  const source = text.replace(/^\uFEFF/, '').replace(/\r\n?/g, '\n');
  let input = source;
  let shift = 0;
  if (format === 'SRT') {
    if (/^\s*WEBVTT/.test(source)) throw new TranscriptFileError('this is a WebVTT file, not SRT', 1);
    input = `WEBVTT\n\n${source.split('\n').map((line) => (line.includes('-->') ? line.replace(/(\d),(\d)/g, '$1.$2') : srtText(line))).join('\n')}`;
    shift = 2;
  }
  const { cues, errors } = new WebVTTParser(CUE_ENTITIES).parse(input, 'subtitles');
  const first = [...errors].sort((a, b) => a.line - b.line)[0];
  if (first) throw new TranscriptFileError(first.message, Math.max(1, lineAtFault(input, first) - shift));
  if (!cues.length) throw new TranscriptFileError('the file has no cues', Math.max(1, source.split('\n').length));
  let previous = 0;
  const segments = cues.map((cue) => {
    if (cue.endTime <= cue.startTime) throw new TranscriptFileError(`cue ${cue.id || ''} ends before it starts`.replace('  ', ' '), lineOfCue(input, cue.startTime) - shift);
    if (cue.startTime < previous) throw new TranscriptFileError('cues must be in time order', lineOfCue(input, cue.startTime) - shift);
    previous = cue.startTime;
    const { text: body, speaker } = plainText(cue.tree);
    const start = round(cue.startTime);
    const end = round(cue.endTime);
    return { start, end, text: body, speaker, words: spreadWords(body, start, end) };
  });
  // a cue without text shows nothing: nothing to keep either
  return segments.filter((segment) => segment.text);
}

/**
 * SRT text is plain apart from the <i>, <b>, <u> (and <font>) tags players honour: a bare `&`
 * or `<` is text there, which WebVTT wants escaped; <font> has no WebVTT equivalent and goes.
 */
function srtText(line: string): string {
  return line
    .replace(/<\/?font[^>]*>/gi, '')
    .replace(/&(?!(?:amp|lt|gt|lrm|rlm|nbsp|#\d+|#x[0-9a-f]+);)/gi, '&amp;')
    .replace(/<(?!\/?[ibu]>)/gi, '&lt;')
    .replace(/(^|[^ibu])>/gi, '$1&gt;');
}

/** The text of a cue without markup; the first voice span (`<v Name>`) names the speaker. */
function plainText(tree: Tree): { text: string; speaker: string | null } {
  let speaker: string | null = null;
  const walk = (nodes: TreeNode[]): string =>
    nodes
      .map((node) => {
        if (node.type === 'text') return node.value;
        if (node.type === 'timestamp') return '';
        if (node.name === 'v' && speaker === null && node.value) speaker = node.value.trim();
        return 'children' in node ? walk(node.children as TreeNode[]) : '';
      })
      .join('');
  const text = walk(tree.children).replace(/\s+/g, ' ').trim();
  return { text, speaker };
}

/**
 * A mistyped timing line (`00:00:01.000 -> 00:00:02.000`) reads as a cue identifier, and the
 * parser then faults the line after it for not being a timing line: the mistake is the one before.
 */
function lineAtFault(input: string, error: { message: string; line: number }): number {
  const previous = input.split('\n')[error.line - 2] ?? '';
  return error.message.startsWith('Cue identifier needs to be followed by timestamp') && /\d+:\d{2}/.test(previous) ? error.line - 1 : error.line;
}

/** The line of the timing line of the first cue starting at `start` (for errors the parser does not make itself). */
function lineOfCue(input: string, start: number): number {
  const stamp = timestamp(start, '.');
  const index = input.split('\n').findIndex((line) => line.includes('-->') && normalise(line).startsWith(stamp));
  return index + 1;
}

/** `1:02.500` and `00:01:02.500` are the same time. */
function normalise(line: string): string {
  const first = line.split('-->')[0].trim();
  return first.split(':').length === 2 ? `00:${first}` : first;
}
