import path from 'node:path';
import { ffmpeg } from '../ffmpeg';
import { isPicture, probeFile, videoStream } from './probe.step';
import { allExist, outputKeys, sourceOf, type StepDefinition } from './step';

/** Wide enough for cards and players, small enough to load in a list. */
const MAX_WIDTH = 640;
const SCALE = `scale='min(${MAX_WIDTH},iw)':-2`;

/**
 * A JPEG for the player: a frame at 10% of a video (past black intros and fades), or the
 * cover art embedded in an audio file. SKIPPED when the source has no picture at all.
 */
export const thumbnailStep: StepDefinition = {
  async run({ asset, fetch, progress, signal, workDir }) {
    const source = await fetch(sourceOf(asset));
    const probe = await probeFile(source, signal);
    const video = videoStream(probe);
    const still = video ?? probe.streams.find(isPicture);
    if (!still) return { files: [], skipped: true };
    progress(0.3);
    const file = path.join(workDir, 'thumbnail.jpg');
    // -ss before -i seeks on the input: fast, and precise enough for a still
    const seek = video ? ['-ss', ((asset.duration_seconds ?? 0) * 0.1).toFixed(3)] : [];
    await ffmpeg([...seek, '-i', source, '-map', `0:${still.index}`, '-frames:v', '1', '-vf', SCALE, '-q:v', '3', '-f', 'image2', '-c:v', 'mjpeg', file], { signal });
    const key = outputKeys.thumbnail(asset);
    return { files: [{ key, path: file, contentType: 'image/jpeg' }], outputs: { thumbnailKey: key } };
  },
  // a video always has a thumbnail; audio has one only when it carried cover art
  outputsExist: (asset, storage) => (asset.has_video || asset.outputs.thumbnailKey ? allExist(storage, [asset.outputs.thumbnailKey]) : Promise.resolve(true)),
};
