import { UnrecoverableError } from 'bullmq';
import path from 'node:path';
import { ffmpeg } from '../ffmpeg';
import { allExist, outputKeys, sourceOf, type StepDefinition } from './step';

/**
 * Podcast loudness: -16 LUFS integrated. The true-peak target is -1.5 dBTP rather than the
 * -1 dBTP limit because AAC encoding later adds a few tenths of a dB of overshoot; the
 * headroom keeps the renditions under -1 dBTP too.
 */
export const TARGET_LUFS = -16;
export const TARGET_TP = -1.5;
const TARGET = `I=${TARGET_LUFS}:TP=${TARGET_TP}:LRA=11`;
/** Below this the gate of BS.1770 leaves nothing to measure: the recording is silence. */
const SILENCE_LUFS = -70;

export interface LoudnormMeasure {
  input_i: string;
  input_tp: string;
  input_lra: string;
  input_thresh: string;
  target_offset: string;
}

/** loudnorm prints its measurement as a JSON object at the end of stderr. */
export function parseLoudnorm(stderr: string): LoudnormMeasure {
  const start = stderr.lastIndexOf('{');
  const end = stderr.lastIndexOf('}');
  if (start < 0 || end < start) throw new Error('loudnorm printed no measurement');
  return JSON.parse(stderr.slice(start, end + 1)) as LoudnormMeasure;
}

/** One analysis pass over a file's first audio stream. */
async function analyse(file: string, prefilter: string, onProgress: (f: number) => void, duration: number, signal?: AbortSignal): Promise<LoudnormMeasure> {
  const { stderr } = await ffmpeg(['-i', file, '-map', '0:a:0', '-af', `${prefilter}loudnorm=${TARGET}:print_format=json`, '-f', 'null', '-'], {
    onProgress,
    durationSeconds: duration,
    signal,
  });
  return parseLoudnorm(stderr);
}

/**
 * EBU R128 two-pass normalisation into a FLAC master at 48 kHz: pass 1 measures, pass 2
 * applies the measured values (linear gain when loudnorm can, dynamic otherwise), and a
 * third pass measures the result, which is what gets stored.
 */
export const loudnessStep: StepDefinition = {
  async run({ asset, fetch, progress, signal, workDir }) {
    const source = await fetch(sourceOf(asset));
    const duration = asset.duration_seconds ?? 0;
    // surround sources become stereo before measuring, so the numbers describe what listeners get
    const prefilter = (asset.channels ?? 0) > 2 ? 'aformat=channel_layouts=stereo,' : '';
    const input = await analyse(source, prefilter, (f) => progress(f * 0.4), duration, signal);
    const inputLufs = Number(input.input_i);
    if (!(inputLufs > SILENCE_LUFS)) throw new UnrecoverableError(`the audio is silent (measured ${input.input_i} LUFS)`);

    const master = path.join(workDir, 'normalized.flac');
    const measured = `measured_I=${input.input_i}:measured_TP=${input.input_tp}:measured_LRA=${input.input_lra}:measured_thresh=${input.input_thresh}:offset=${input.target_offset}`;
    await ffmpeg(['-i', source, '-map', '0:a:0', '-af', `${prefilter}loudnorm=${TARGET}:${measured}:linear=true:print_format=json`, '-ar', '48000', '-c:a', 'flac', master], {
      onProgress: (f) => progress(0.4 + f * 0.4),
      durationSeconds: duration,
      signal,
    });

    const output = await analyse(master, '', (f) => progress(0.8 + f * 0.2), duration, signal);
    return {
      files: [{ key: outputKeys.normalized(asset), path: master, contentType: 'audio/flac' }],
      outputs: { normalizedKey: outputKeys.normalized(asset) },
      columns: { input_lufs: inputLufs, integrated_lufs: Number(output.input_i), true_peak_dbtp: Number(output.input_tp) },
    };
  },
  outputsExist: (asset, storage) => allExist(storage, [asset.outputs.normalizedKey]),
};
