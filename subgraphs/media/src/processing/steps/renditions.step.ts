import { stat } from 'node:fs/promises';
import path from 'node:path';
import type { Rendition } from '../../asset/asset.outputs';
import { chapterMapping, writeChapterMarks } from '../../chapter/chapter.marks';
import { ffmpeg } from '../ffmpeg';
import { allExist, outputKeys, type StepDefinition } from './step';

/** The true-peak limit every file a listener gets must respect. */
export const MAX_TRUE_PEAK = -1;
/** Quieter re-encodes allowed when the encoder overshoots; one is almost always enough. */
const CORRECTION_PASSES = 3;

/** Two AAC-LC bitrates: full quality, and one for poor mobile connections. HLS uses the same two. */
export const BITRATES_KBPS = [128, 64] as const;
export const renditionName = (kbps: number): string => `aac-${kbps}`;

/** True peak (dBTP) of a whole file, by ebur128: 4× oversampled, as BS.1770 asks, and cheaper than loudnorm. */
export async function truePeakOf(file: string, onProgress: (f: number) => void, duration: number, signal?: AbortSignal): Promise<number> {
  const { stderr } = await ffmpeg(['-i', file, '-map', '0:a:0', '-af', 'ebur128=peak=true:framelog=verbose', '-f', 'null', '-'], { onProgress, durationSeconds: duration, signal });
  const peak = /True peak:\s+Peak:\s+(-?[\d.]+|-inf) dBFS/.exec(stderr.slice(stderr.lastIndexOf('Summary:')));
  if (!peak) throw new Error('ebur128 printed no true peak');
  return Number(peak[1]);
}

export function normalizedOf(outputs: { normalizedKey?: string }): string {
  if (!outputs.normalizedKey) throw new Error('loudness has not produced the normalised master yet');
  return outputs.normalizedKey;
}

/**
 * AAC `.m4a` files (moov atom first, so players start before the download ends) encoded from
 * the normalised master. Video sources get audio-only renditions too: the product is a
 * podcast feed, and podcast players play audio.
 */
export const renditionsStep: StepDefinition = {
  async run({ asset, fetch, progress, reads, signal, workDir }) {
    const master = await fetch(normalizedOf(asset.outputs));
    // the episode's chapters become chapter marks; once any were set, an empty list means none
    const chapters = await reads.chapters();
    const marks = chapters ? await writeChapterMarks(workDir, chapters.chapters, asset.duration_seconds ?? 0) : null;
    const chapterArgs = chapters ? [...(marks ? ['-i', marks] : []), ...chapterMapping(marks, 1)] : [];
    const files = [];
    const renditions: Rendition[] = [];
    for (const [i, kbps] of BITRATES_KBPS.entries()) {
      const name = renditionName(kbps);
      const file = path.join(workDir, `${name}.m4a`);
      const duration = asset.duration_seconds ?? 0;
      // progress: 80 % of a rendition's share encoding, 20 % measuring (a rare correction pass
      // reports the same range again; the reporter never goes backwards)
      const share = (from: number, to: number) => (f: number) => progress((i + from + f * (to - from)) / BITRATES_KBPS.length);
      const encode = (gain: string[]) =>
        ffmpeg(['-i', master, ...chapterArgs, '-map', '0:a:0', ...gain, '-c:a', 'aac', '-b:a', `${kbps}k`, '-movflags', '+faststart', file], {
          onProgress: share(0, 0.8),
          durationSeconds: duration,
          signal,
        });
      // AAC's overshoot is usually well inside the master's headroom; on dense material at a low
      // bitrate it may not be, so each file is measured and, while needed, encoded again a
      // little quieter (the usual correction is a few tenths of a dB, inside the ±1 LU target)
      let gainDb = 0;
      for (let pass = 0; ; pass += 1) {
        await encode(gainDb === 0 ? [] : ['-af', `volume=${gainDb.toFixed(2)}dB`]);
        const peak = await truePeakOf(file, share(0.8, 1), duration, signal);
        if (peak <= MAX_TRUE_PEAK - 0.1) break;
        if (pass === CORRECTION_PASSES) throw new Error(`${name} still peaks at ${peak} dBTP after ${pass} corrections`);
        gainDb += MAX_TRUE_PEAK - 0.3 - peak;
      }
      const key = outputKeys.rendition(asset, name);
      files.push({ key, path: file, contentType: 'audio/mp4' });
      renditions.push({ name, bitrateKbps: kbps, mimeType: 'audio/mp4', key, sizeBytes: (await stat(file)).size });
    }
    return { files, outputs: { renditions, ...(chapters ? { chaptersRevision: chapters.revision } : {}) } };
  },
  outputsExist: (asset, storage) => allExist(storage, (asset.outputs.renditions ?? []).map((r) => r.key)),
};
