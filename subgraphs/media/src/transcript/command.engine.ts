import { mkdtemp, rm } from 'node:fs/promises';
import path from 'node:path';
import { z } from 'zod';
import { ffmpeg, runTool } from '../processing/ffmpeg';
import type { SpeechEngine, TranscribeOptions, TranscriptSegment } from './engine.port';
import { ASR_RATE } from './pocketsphinx.engine';
import { round, segmentWords, spreadWords } from './segmenting';

const word = z.object({ text: z.string().min(1), start: z.number().nonnegative(), end: z.number().nonnegative(), confidence: z.number().min(0).max(1).default(1) });
/** What the command prints on stdout: timed words, or segments (with or without words). */
const output = z.union([
  z.object({ words: z.array(word) }),
  z.object({
    segments: z.array(z.object({ start: z.number().nonnegative(), end: z.number().nonnegative(), text: z.string(), speaker: z.string().nullish(), words: z.array(word).optional() })),
  }),
]);

export interface CommandEngineOptions {
  /** Program and arguments; `{input}` becomes the 16 kHz mono WAV, `{language}` the BCP 47 tag. */
  argv: string[];
  languages: string[];
  name: string;
}

/**
 * Any recogniser an operator can run from a shell (whisper.cpp, vosk, a cloud CLI): it gets a
 * WAV file and prints JSON on stdout, `{"words":[{text,start,end,confidence}]}` or
 * `{"segments":[{start,end,text,speaker?,words?}]}`, times in seconds.
 */
export class CommandEngine implements SpeechEngine {
  readonly name: string;
  readonly languages: readonly string[];

  constructor(private readonly options: CommandEngineOptions) {
    if (!options.argv.length) throw new Error('the transcript command is empty');
    this.name = options.name;
    this.languages = options.languages;
  }

  async transcribe(file: string, language: string, options: TranscribeOptions = {}): Promise<TranscriptSegment[]> {
    const dir = await mkdtemp(path.join(path.dirname(file), 'asr-'));
    try {
      const wav = path.join(dir, 'audio.wav');
      await ffmpeg(['-i', file, '-map', '0:a:0', '-ac', '1', '-ar', String(ASR_RATE), '-c:a', 'pcm_s16le', wav], { signal: options.signal });
      options.onProgress?.(0.1);
      const [command, ...args] = this.options.argv.map((part) => part.replaceAll('{input}', wav).replaceAll('{language}', language));
      const { stdout } = await runTool(command, args, { signal: options.signal });
      options.onProgress?.(0.95);
      return parseCommandOutput(stdout);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  }
}

export function parseCommandOutput(stdout: string): TranscriptSegment[] {
  let json: unknown;
  try {
    json = JSON.parse(stdout);
  } catch {
    throw new Error('the transcript command printed no JSON');
  }
  const parsed = output.safeParse(json);
  if (!parsed.success) throw new Error(`the transcript command printed unexpected JSON: ${z.prettifyError(parsed.error)}`);
  const data = parsed.data;
  if ('words' in data) return segmentWords(data.words.map((w) => ({ ...w, start: round(w.start), end: round(w.end) })));
  return data.segments
    .filter((s) => s.text.trim())
    .map((s) => ({ start: round(s.start), end: round(s.end), text: s.text.trim(), speaker: s.speaker ?? null, words: s.words ?? spreadWords(s.text, s.start, s.end) }));
}
