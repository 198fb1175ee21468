import { closeSync, openSync, readSync, writeSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { ffmpeg, runTool } from '../processing/ffmpeg';
import type { SpeechEngine, TranscribeOptions, TranscriptSegment, TranscriptWord } from './engine.port';
import { parsePocketsphinx } from './pocketsphinx.output';
import { segmentWords } from './segmenting';

/** What the acoustic models expect: 16 kHz, mono, 16-bit. */
export const ASR_RATE = 16000;
const BYTES_PER_SECOND = ASR_RATE * 2;
/** Loudness is looked at per 10 ms, pocketsphinx's own frame rate. */
const FRAME_SAMPLES = ASR_RATE / 100;

export interface PocketsphinxOptions {
  command?: string;
  /** Extra arguments (another -hmm/-lm/-dict for a model of one's own). */
  args?: string[];
  /** Audio per run of the recogniser: bounds its memory and paces progress. */
  chunkSeconds?: number;
}

/**
 * Debian's `pocketsphinx_continuous` with the `pocketsphinx-en-us` model. The master is decoded
 * once to 16 kHz mono PCM on disk; long audio is cut into chunks at the quietest 10 ms near each
 * chunk's end (so a cut rarely splits a word), each chunk recognised by its own run.
 */
export class PocketsphinxEngine implements SpeechEngine {
  readonly name = 'pocketsphinx';
  readonly languages = ['en-US'] as const;
  private readonly command: string;
  private readonly args: string[];
  private readonly chunkSeconds: number;

  constructor(options: PocketsphinxOptions = {}) {
    this.command = options.command ?? 'pocketsphinx_continuous';
    this.args = options.args ?? [];
    this.chunkSeconds = options.chunkSeconds ?? 60;
  }

  async transcribe(file: string, _language: string, options: TranscribeOptions = {}): Promise<TranscriptSegment[]> {
    const dir = await mkdtemp(path.join(path.dirname(file), 'asr-'));
    try {
      const pcm = path.join(dir, 'audio.pcm');
      const energy = await decode(file, pcm, options.signal);
      const cuts = chunkBounds(energy, this.chunkSeconds * 100);
      const total = energy.length || 1;
      const words: TranscriptWord[] = [];
      options.onProgress?.(0.05);
      for (const [from, to] of cuts) {
        const chunk = path.join(dir, 'chunk.wav');
        await writeWav(pcm, chunk, from * FRAME_SAMPLES * 2, (to - from) * FRAME_SAMPLES * 2);
        const { stdout } = await runTool(this.command, ['-infile', chunk, '-time', 'yes', ...this.args], { signal: options.signal });
        words.push(...parsePocketsphinx(stdout, from / 100));
        options.onProgress?.(0.05 + (0.95 * to) / total);
      }
      return segmentWords(words);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  }
}

/** Decodes to raw PCM on disk (written as it arrives, so memory stays flat) and returns the RMS of every 10 ms frame. */
async function decode(file: string, pcm: string, signal?: AbortSignal): Promise<Float32Array> {
  const fd = openSync(pcm, 'w');
  const energies: number[] = [];
  let sum = 0;
  let count = 0;
  let carry: Buffer | null = null;
  try {
    await ffmpeg(['-i', file, '-map', '0:a:0', '-ac', '1', '-ar', String(ASR_RATE), '-f', 's16le', '-c:a', 'pcm_s16le', 'pipe:1'], {
      signal,
      onStdout: (chunk) => {
        writeSync(fd, chunk);
        const data: Buffer = carry ? Buffer.concat([carry, chunk]) : chunk;
        const whole = data.length - (data.length % 2);
        carry = whole < data.length ? data.subarray(whole) : null;
        for (let offset = 0; offset < whole; offset += 2) {
          const sample = data.readInt16LE(offset);
          sum += sample * sample;
          if (++count === FRAME_SAMPLES) {
            energies.push(Math.sqrt(sum / count));
            sum = 0;
            count = 0;
          }
        }
      },
    });
  } finally {
    closeSync(fd);
  }
  if (count > 0) energies.push(Math.sqrt(sum / count));
  return Float32Array.from(energies);
}

/**
 * [from, to) frame ranges of about `chunkFrames` each; every cut is at the quietest frame of the
 * last sixth of its chunk, so it falls in a pause between words rather than inside one.
 */
export function chunkBounds(energy: ArrayLike<number>, chunkFrames: number): [number, number][] {
  const bounds: [number, number][] = [];
  let from = 0;
  while (energy.length - from > chunkFrames) {
    const target = from + chunkFrames;
    let cut = target;
    for (let frame = target - Math.floor(chunkFrames / 6); frame <= target; frame += 1) if (energy[frame] < energy[cut]) cut = frame;
    bounds.push([from, cut]);
    from = cut;
  }
  if (energy.length > from || bounds.length === 0) bounds.push([from, energy.length]);
  return bounds;
}

/** A RIFF/WAVE file of one slice of the PCM, which is what `-infile` reads. */
async function writeWav(pcm: string, out: string, offset: number, length: number): Promise<void> {
  const header = Buffer.alloc(44);
  header.write('RIFF', 0);
  header.writeUInt32LE(36 + length, 4);
  header.write('WAVEfmt ', 8);
  header.writeUInt32LE(16, 16);
  header.writeUInt16LE(1, 20);
  header.writeUInt16LE(1, 22);
  header.writeUInt32LE(ASR_RATE, 24);
  header.writeUInt32LE(BYTES_PER_SECOND, 28);
  header.writeUInt16LE(2, 32);
  header.writeUInt16LE(16, 34);
  header.write('data', 36);
  header.writeUInt32LE(length, 40);
  const body = Buffer.alloc(length);
  const fd = openSync(pcm, 'r');
  try {
    readSync(fd, body, 0, length, offset);
  } finally {
    closeSync(fd);
  }
  await writeFile(out, Buffer.concat([header, body]));
}
