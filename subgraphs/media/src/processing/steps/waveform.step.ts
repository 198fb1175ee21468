import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { ffmpeg } from '../ffmpeg';
import { normalizedOf } from './renditions.step';
import { allExist, outputKeys, type StepDefinition } from './step';

/** About this many bars whatever the length: enough for a full-width player, small as JSON. */
export const PEAK_COUNT = 1000;
/** Peaks need no more detail than this; decoding at a low rate keeps the step cheap. */
export const WAVEFORM_RATE = 8000;

export interface Waveform {
  sampleRate: number;
  samplesPerPeak: number;
  /** Largest absolute sample of each block, 0..1 of full scale, 3 decimals. */
  peaks: number[];
}

/** Folds signed 16-bit little-endian mono PCM into peaks as it streams by. */
export class PeakAccumulator {
  readonly peaks: number[] = [];
  private current = 0;
  private inBlock = 0;
  private carry: Buffer | null = null;
  samples = 0;

  constructor(readonly samplesPerPeak: number) {}

  push(chunk: Buffer): void {
    const data = this.carry ? Buffer.concat([this.carry, chunk]) : chunk;
    const whole = data.length - (data.length % 2);
    this.carry = whole < data.length ? data.subarray(whole) : null;
    for (let offset = 0; offset < whole; offset += 2) {
      const level = Math.abs(data.readInt16LE(offset)) / 32768;
      if (level > this.current) this.current = level;
      this.samples += 1;
      if (++this.inBlock === this.samplesPerPeak) this.flush();
    }
  }

  flush(): void {
    if (this.inBlock === 0) return;
    this.peaks.push(Math.round(this.current * 1000) / 1000);
    this.current = 0;
    this.inBlock = 0;
  }
}

/** Waveform peaks of the normalised master, as `{ sampleRate, samplesPerPeak, peaks }` JSON. */
export const waveformStep: StepDefinition = {
  async run({ asset, fetch, progress, signal, workDir }) {
    const master = await fetch(normalizedOf(asset.outputs));
    const expected = Math.max(1, Math.round((asset.duration_seconds ?? 0) * WAVEFORM_RATE));
    const peaks = new PeakAccumulator(Math.max(1, Math.ceil(expected / PEAK_COUNT)));
    await ffmpeg(['-i', master, '-map', '0:a:0', '-ac', '1', '-ar', String(WAVEFORM_RATE), '-f', 's16le', '-c:a', 'pcm_s16le', 'pipe:1'], {
      onStdout: (chunk) => {
        peaks.push(chunk);
        progress(peaks.samples / expected);
      },
      signal,
    });
    peaks.flush();
    const waveform: Waveform = { sampleRate: WAVEFORM_RATE, samplesPerPeak: peaks.samplesPerPeak, peaks: peaks.peaks };
    const file = path.join(workDir, 'waveform.json');
    await writeFile(file, JSON.stringify(waveform));
    const key = outputKeys.waveform(asset);
    return { files: [{ key, path: file, contentType: 'application/json' }], outputs: { waveformKey: key } };
  },
  outputsExist: (asset, storage) => allExist(storage, [asset.outputs.waveformKey]),
};
